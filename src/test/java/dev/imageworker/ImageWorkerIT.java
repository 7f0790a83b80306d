package dev.imageworker;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import dev.imageworker.pipeline.DeadLetterAttributes;
import dev.imageworker.downstream.Downstream;
import dev.imageworker.downstream.DownstreamProbes;
import dev.imageworker.support.FaultProxy;
import dev.imageworker.support.IamActions;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.QueueCollector;
import dev.imageworker.support.SampleImages;
import io.awspring.cloud.sqs.listener.AbstractMessageListenerContainer;
import io.awspring.cloud.sqs.listener.ContainerOptions;
import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.awspring.cloud.sqs.listener.QueueNotFoundStrategy;
import io.awspring.cloud.sqs.listener.SqsContainerOptions;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.imageworker.catalog.ItemAttributes.ANNOUNCED_AT;
import static dev.imageworker.catalog.ItemAttributes.ATTEMPTS;
import static dev.imageworker.catalog.ItemAttributes.CREATED_AT;
import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.ERROR_MESSAGE;
import static dev.imageworker.catalog.ItemAttributes.FILE_NAME;
import static dev.imageworker.catalog.ItemAttributes.FILE_TYPE;
import static dev.imageworker.catalog.ItemAttributes.FORMAT;
import static dev.imageworker.catalog.ItemAttributes.HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.METADATA;
import static dev.imageworker.catalog.ItemAttributes.PROCESSING_MILLIS;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BYTES;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_ETAG;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_KEY;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_LAST_MODIFIED;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;
import static dev.imageworker.catalog.ItemAttributes.UPLOAD_TIMESTAMP;
import static dev.imageworker.catalog.ItemAttributes.USER_ID;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS_SPEC;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BYTES;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_CONTENT_TYPE;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_KEY;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_NAME;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_WIDTH;
import static dev.imageworker.catalog.ItemAttributes.WIDTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker end to end against a real AWS-compatible server: objects are uploaded to the
 * upload bucket, S3 notifies the queue, and the test awaits the thumbnails, the DynamoDB
 * item, the SNS event and the dead-letter queue. The worker's AWS traffic passes a
 * {@link FaultProxy} so chosen requests can fail the way S3 fails under load, and so its
 * calls can be checked against the task role's IAM policy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
		"image-worker.provision=true", "image-worker.queue=e2e-queue", "image-worker.dead-letter-queue=e2e-dlq",
		"image-worker.source-buckets=e2e-uploads,e2e-quiet", "image-worker.output-bucket=e2e-thumbnails",
		"image-worker.table=e2e-images", "image-worker.topic=arn:aws:sns:us-east-1:123456789012:e2e-events",
		"image-worker.processing.concurrency=2", "image-worker.limits.max-bytes=4MB",
		"image-worker.processing.retry-backoff=1s", "image-worker.processing.max-retry-backoff=2s",
		"management.cloudwatch.metrics.export.namespace=ImageWorker", "management.cloudwatch.metrics.export.step=5s",
		"management.server.port=0", "image-worker.breaker.window=10", "image-worker.breaker.first-probe=1s",
		"image-worker.breaker.max-probe-interval=2s", "image-worker.breaker.release-visibility=2s" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageWorkerIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final FaultProxy faults = new FaultProxy(aws.endpoint());

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final String UPLOADS = "e2e-uploads";

	/** A source bucket without notifications, for hand-written events. */
	private static final String QUIET = "e2e-quiet";

	private static final String THUMBNAILS = "e2e-thumbnails";

	private final JsonMapper json = JsonMapper.builder().build();

	private final S3Client s3 = aws.s3();

	private final SqsClient sqs = aws.sqs();

	private final DynamoDbClient dynamo = aws.dynamo();

	private final Environment environment;

	private String queueUrl;

	private QueueCollector deadLetters;

	private QueueCollector events;

	private final DownstreamProbes probes;

	private final MessageListenerContainerRegistry containers;

	private final ListableBeanFactory beans;

	@Autowired
	ImageWorkerIT(Environment environment, DownstreamProbes probes, MessageListenerContainerRegistry containers,
			ListableBeanFactory beans) {
		this.environment = environment;
		this.probes = probes;
		this.containers = containers;
		this.beans = beans;
	}

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		for (String service : List.of("s3", "sns", "sqs", "dynamodb", "cloudwatch")) {
			registry.add("spring.cloud.aws." + service + ".endpoint", () -> faults.endpoint().toString());
		}
	}

	@BeforeAll
	void subscribeToEventsAndDeadLetters() {
		// Local provisioning makes calls that production leaves to the deployment.
		faults.forgetActions();
		this.s3.createBucket((request) -> request.bucket(QUIET));
		this.queueUrl = this.sqs.getQueueUrl((request) -> request.queueName("e2e-queue")).queueUrl();
		this.deadLetters = new QueueCollector(this.sqs,
				this.sqs.getQueueUrl((request) -> request.queueName("e2e-dlq")).queueUrl());
		try (SnsClient sns = aws.sns()) {
			this.events = QueueCollector.subscribedTo(this.sqs, sns, "e2e-events", "e2e-events-subscriber");
		}
	}

	@Test
	void rendersAJpegIntoEveryVariantRecordsAndAnnouncesIt() {
		byte[] jpeg = SampleImages.jpeg(3000, 2000);
		String key = "uploads/alice/sunrise.jpg";
		String eTag = upload(UPLOADS, key, jpeg);
		String id = idOf(UPLOADS, key);

		Map<String, AttributeValue> item = awaitFinal(id);
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(USER_ID).s()).isEqualTo("alice");
		assertThat(item.get(SOURCE_BUCKET).s()).isEqualTo(UPLOADS);
		assertThat(item.get(SOURCE_KEY).s()).isEqualTo(key);
		assertThat(item.get(SOURCE_ETAG).s()).isEqualTo(eTag);
		assertThat(item.get(SOURCE_BYTES).n()).isEqualTo(Integer.toString(jpeg.length));
		assertThat(item.get(FORMAT).s()).isEqualTo("JPEG");
		assertThat(item.get(WIDTH).n()).isEqualTo("3000");
		assertThat(item.get(HEIGHT).n()).isEqualTo("2000");
		assertThat(item.get(ATTEMPTS).n()).isEqualTo("1");
		assertThat(item).containsKeys(CREATED_AT, UPDATED_AT, PROCESSING_MILLIS, SOURCE_LAST_MODIFIED)
			.doesNotContainKey(ERROR);
		assertThat(variants(item)).containsExactly("medium 1024x683", "thumb 256x171");
		for (AttributeValue variant : item.get(VARIANTS).l()) {
			Map<String, AttributeValue> v = variant.m();
			assertThat(v.get(VARIANT_BUCKET).s()).isEqualTo(THUMBNAILS);
			assertThat(v.get(VARIANT_KEY).s()).isEqualTo(id + "/" + eTag + "/" + v.get(VARIANT_NAME).s() + ".jpg");
			assertThat(v.get(VARIANT_CONTENT_TYPE).s()).isEqualTo("image/jpeg");
			byte[] stored = download(THUMBNAILS, v.get(VARIANT_KEY).s());
			assertThat(Integer.toString(stored.length)).isEqualTo(v.get(VARIANT_BYTES).n());
			BufferedImage thumbnail = SampleImages.decode(stored);
			assertThat(thumbnail.getWidth() + "x" + thumbnail.getHeight())
				.isEqualTo(v.get(VARIANT_WIDTH).n() + "x" + v.get(VARIANT_HEIGHT).n());
		}

		JsonNode event = awaitEvent(id, "COMPLETED");
		assertThat(event.get("userId").asString()).isEqualTo("alice");
		assertThat(event.get("sourceBucket").asString()).isEqualTo(UPLOADS);
		assertThat(event.get("sourceKey").asString()).isEqualTo(key);
		assertThat(event.get("sourceETag").asString()).isEqualTo(eTag);
		assertThat(event.get("variants")).hasSize(2);
		assertThat(event.get("variants").get(0).get("key").asString()).isEqualTo(id + "/" + eTag + "/medium.jpg");
		assertThat(event.get("error").isNull()).isTrue();
	}

	@Test
	void keepsTheStemOfAKeyThatCarriesAnUploadApiId() {
		upload(UPLOADS, "uploads/una/img_0a1b2c3d4e5f0000.jpg", SampleImages.jpeg(640, 480));

		Map<String, AttributeValue> item = awaitFinal("img_0a1b2c3d4e5f0000");
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(USER_ID).s()).isEqualTo("una");
	}

	@Test
	void twoUsersWhoPickTheSameFileNameKeepTheirOwnThumbnails() {
		String mine = "uploads/me/photo.jpg";
		String theirs = "uploads/mallory/photo.jpg";
		upload(UPLOADS, mine, flatJpeg(800, 600, new Color(200, 30, 30)));
		Map<String, AttributeValue> myItem = awaitAnnounced(idOf(UPLOADS, mine));
		upload(UPLOADS, theirs, flatJpeg(800, 600, new Color(30, 60, 200)));
		Map<String, AttributeValue> theirItem = awaitFinal(idOf(UPLOADS, theirs));

		assertThat(theirItem.get(SOURCE_KEY).s()).isEqualTo(theirs);
		assertThat(item(idOf(UPLOADS, mine))).isEqualTo(myItem);
		assertThat(myItem.get(SOURCE_KEY).s()).isEqualTo(mine);
		BufferedImage myThumb = SampleImages.decode(download(THUMBNAILS, variantKey(myItem, "thumb")));
		assertThat(isRed(myThumb.getRGB(myThumb.getWidth() / 2, myThumb.getHeight() / 2))).isTrue();
		assertThat(this.s3.listObjectsV2((request) -> request.bucket(THUMBNAILS).prefix("photo/")).contents())
			.isEmpty();
	}

	@Test
	void aMessageClaimingAnotherSourcesImageIdIsAConflictThatTouchesNothing() {
		String owner = "uploads/olga/img_00c0ffee00c0ffee.jpg";
		upload(UPLOADS, owner, SampleImages.jpeg(640, 480));
		Map<String, AttributeValue> before = awaitAnnounced("img_00c0ffee00c0ffee");
		awaitEvent("img_00c0ffee00c0ffee", "COMPLETED");
		List<String> objects = outputKeys("img_00c0ffee00c0ffee/");
		upload(QUIET, "uploads/mallory/mine.jpg", SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.5));
		String body = """
				{"bucket":"%s","s3Key":"uploads/mallory/mine.jpg","imageId":"img_00c0ffee00c0ffee","userId":"mallory"}"""
			.formatted(QUIET);

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		Message dead = awaitDeadLetter((message) -> message.body().equals(body));
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_CODE).stringValue())
			.isEqualTo("IMAGE_ID_CONFLICT");
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue())
			.contains("img_00c0ffee00c0ffee", "belongs to");
		assertThat(item("img_00c0ffee00c0ffee")).isEqualTo(before);
		assertThat(outputKeys("img_00c0ffee00c0ffee/")).isEqualTo(objects);
		assertThat(this.events.matching(eventFor("img_00c0ffee00c0ffee"))).hasSize(1);
	}

	/**
	 * Mallory names, for her own object, the id the worker will derive for Victor's next
	 * upload: refused, so Victor's upload is his.
	 */
	@Test
	void aMessageCannotTakeTheIdTheWorkerDerivesForAnotherUpload() {
		String victors = "uploads/victor/holiday.jpg";
		String derived = idOf(UPLOADS, victors);
		upload(QUIET, "uploads/mallory/holiday.jpg", SampleImages.jpeg(640, 480));
		String body = """
				{"bucket":"%s","s3Key":"uploads/mallory/holiday.jpg","imageId":"%s","userId":"mallory"}"""
			.formatted(QUIET, derived);

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		Message dead = awaitDeadLetter((message) -> message.body().equals(body));
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_CODE).stringValue())
			.isEqualTo("INVALID_MESSAGE");
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue()).contains(derived);
		assertThat(item(derived)).isNullOrEmpty();
		upload(UPLOADS, victors, SampleImages.jpeg(640, 480));
		Map<String, AttributeValue> item = awaitFinal(derived);
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(SOURCE_KEY).s()).isEqualTo(victors);
		assertThat(item.get(USER_ID).s()).isEqualTo("victor");
	}

	@Test
	void twoUsersCameraFileNamesAreTwoImages() {
		String carols = "uploads/carol/img_1234.jpg";
		String daves = "uploads/dave/img_1234.jpg";
		upload(UPLOADS, carols, flatJpeg(640, 480, new Color(200, 30, 30)));
		upload(UPLOADS, daves, flatJpeg(640, 480, new Color(30, 60, 200)));

		assertThat(awaitFinal(idOf(UPLOADS, carols))).satisfies((item) -> {
			assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
			assertThat(item.get(SOURCE_KEY).s()).isEqualTo(carols);
		});
		assertThat(awaitFinal(idOf(UPLOADS, daves))).satisfies((item) -> {
			assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
			assertThat(item.get(SOURCE_KEY).s()).isEqualTo(daves);
		});
		assertThat(item("img_1234")).isNullOrEmpty();
	}

	/**
	 * Items recorded under the earlier rules, one under a camera stem the default pattern
	 * took and one under a name-based UUID a message chose, keep their ids when their
	 * objects are uploaded again.
	 */
	@Test
	void itemsRecordedUnderTheEarlierRulesKeepTheirIdsAndCompleteReuploads() {
		String stemKey = "uploads/erin/img_5678.jpg";
		String chosenKey = "uploads/erin/from-the-app.jpg";
		String chosen = UUID.nameUUIDFromBytes("the app's own name".getBytes(StandardCharsets.UTF_8)).toString();
		recordedEarlier("img_5678", UPLOADS, stemKey);
		recordedEarlier(chosen, QUIET, chosenKey);
		String chosenETag = upload(QUIET, chosenKey, SampleImages.jpeg(640, 480));

		String eTag = upload(UPLOADS, stemKey, SampleImages.jpeg(640, 480));
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl)
			.messageBody("""
					{"bucketName":"%s","s3Key":"%s","imageId":"%s","userId":"erin"}""".formatted(QUIET, chosenKey,
					chosen)));

		// Both items were COMPLETED before the uploads: wait for the uploads' versions.
		await().atMost(PATIENCE).until(() -> item("img_5678"), (item) -> completed(item, eTag));
		assertThat(item(idOf(UPLOADS, stemKey))).isNullOrEmpty();
		await().atMost(PATIENCE).until(() -> item(chosen), (item) -> completed(item, chosenETag));
	}

	/** Without an owner segment, a reprocessing request naming another owner. */
	@Test
	void reprocessingNeverChangesAnItemsOwner() {
		String key = "uploads/alice/portrait.jpg";
		String id = idOf(UPLOADS, key);
		upload(UPLOADS, key, SampleImages.jpeg(900, 600));
		await().atMost(PATIENCE).until(() -> item(id), (item) -> item.containsKey(ANNOUNCED_AT));

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody("""
				{"bucket": "%s", "s3Key": "%s", "userId": "mallory", "reprocess": true}""".formatted(UPLOADS, key)));

		Map<String, AttributeValue> again = await().atMost(PATIENCE)
			.until(() -> item(id), (item) -> "2".equals(item.get(ATTEMPTS).n())
					&& "COMPLETED".equals(item.get(STATUS).s()) && item.containsKey(ANNOUNCED_AT));
		assertThat(again.get(USER_ID).s()).isEqualTo("alice");
		List<Message> events = await().atMost(PATIENCE)
			.until(() -> this.events.matching(eventFor(id)), (found) -> found.size() == 2);
		assertThat(events).extracting((event) -> this.json.readTree(event.body()).path("userId").asString())
			.containsExactly("alice", "alice");
	}

	@Test
	void acceptsAnUploadApisOwnMessageWithItsIdsAsAttributesAndKeepsItsDetailsAndMetadata() {
		String key = "uploads/user_1234/img_a11ce5a11ce5a11c.jpg";
		this.s3.putObject((request) -> request.bucket(QUIET).key(key).metadata(Map.of("camera-model", "X100V")),
				RequestBody.fromBytes(SampleImages.jpeg(900, 600)));
		String body = """
				{"s3Key": "%s", "bucketName": "%s", "fileName": "vacation.jpg", "fileSize": 12345,
				 "fileType": "image/jpeg", "uploadTimestamp": "2026-01-01T12:00:00Z",
				 "metadata": {"camera": "iPhone 12", "description": "At the beach"}}""".formatted(key, QUIET);

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl)
			.messageBody(body)
			.messageAttributes(Map.of("imageId", stringAttribute("img_a11ce5a11ce5a11c"), "userId",
					stringAttribute("user_1234"))));

		Map<String, AttributeValue> item = awaitFinal("img_a11ce5a11ce5a11c");
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(USER_ID).s()).isEqualTo("user_1234");
		assertThat(item.get(FILE_NAME).s()).isEqualTo("vacation.jpg");
		assertThat(item.get(FILE_TYPE).s()).isEqualTo("image/jpeg");
		assertThat(item.get(UPLOAD_TIMESTAMP).s()).isEqualTo("2026-01-01T12:00:00Z");
		Map<String, String> metadata = Map.of("camera", "iPhone 12", "description", "At the beach", "camera-model",
				"X100V");
		assertThat(item.get(METADATA).m()).containsOnlyKeys(metadata.keySet())
			.allSatisfy((name, value) -> assertThat(value.s()).isEqualTo(metadata.get(name)));
		JsonNode event = awaitEvent("img_a11ce5a11ce5a11c", "COMPLETED");
		assertThat(event.get("metadata").properties()).hasSize(3);
		assertThat(event.get("metadata").get("camera-model").asString()).isEqualTo("X100V");
	}

	@Test
	void rendersAPngFlatteningTransparencyOntoWhiteWithoutUpscaling() {
		String key = "uploads/bob/logo.png";
		upload(UPLOADS, key, SampleImages.png(900, 600, true));

		Map<String, AttributeValue> item = awaitFinal(idOf(UPLOADS, key));
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(FORMAT).s()).isEqualTo("PNG");
		assertThat(variants(item)).containsExactly("medium 900x600", "thumb 256x171");
		BufferedImage medium = SampleImages.decode(download(THUMBNAILS, variantKey(item, "medium")));
		Color corner = new Color(medium.getRGB(3, 3));
		assertThat(corner.getRed() + corner.getGreen() + corner.getBlue()).isGreaterThan(3 * 245);
	}

	@Test
	void turnsAnExifRotatedPhotoUpright() {
		String key = "uploads/carol/portrait.jpg";
		upload(UPLOADS, key, SampleImages.withOrientation(SampleImages.jpeg(1600, 1200), 6));

		Map<String, AttributeValue> item = awaitFinal(idOf(UPLOADS, key));
		assertThat(item.get(WIDTH).n() + "x" + item.get(HEIGHT).n()).isEqualTo("1200x1600");
		assertThat(variants(item)).containsExactly("medium 768x1024", "thumb 192x256");
		// The red marker drawn top-left in the stored pixels shows top-right once
		// upright.
		BufferedImage medium = SampleImages.decode(download(THUMBNAILS, variantKey(item, "medium")));
		assertThat(isRed(medium.getRGB(medium.getWidth() - 10, 10))).isTrue();
		assertThat(isRed(medium.getRGB(10, 10))).isFalse();
	}

	@Test
	void acceptsKeysWithSpacesPlusSignsAndNonAsciiLetters() {
		String key = "uploads/zoë/été 2024+1.jpg";
		upload(UPLOADS, key, SampleImages.jpeg(800, 600));

		Map<String, AttributeValue> item = awaitFinal(idOf(UPLOADS, key));
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(USER_ID).s()).isEqualTo("zoë");
		assertThat(item.get(SOURCE_KEY).s()).isEqualTo(key);
		assertThat(SampleImages.decode(download(THUMBNAILS, variantKey(item, "thumb"))).getWidth()).isEqualTo(256);
	}

	@Test
	void deadLettersATextFileNamedJpg() {
		assertFailed(upload("uploads/dave/notes.jpg", "these are not pixels".getBytes(StandardCharsets.UTF_8)),
				"UNSUPPORTED_FORMAT");
	}

	@Test
	void refusesAnObjectOverTheByteLimitFromItsSizeAlone() {
		// Not an image either: refused for its size, its bytes were never looked at.
		byte[] noise = new byte[5 * 1024 * 1024];
		new Random(7).nextBytes(noise);

		Map<String, AttributeValue> item = assertFailed(upload("uploads/erin/huge.jpg", noise), "IMAGE_TOO_LARGE");
		assertThat(item.get(ERROR).m().get(ERROR_MESSAGE).s())
			.isEqualTo(noise.length + " bytes is more than the limit of " + 4 * 1024 * 1024);
		assertThat(item.get(SOURCE_BYTES).n()).isEqualTo(Integer.toString(noise.length));
	}

	@Test
	void deadLettersATruncatedImage() {
		assertFailed(upload("uploads/erin/cut.jpg", SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.5)),
				"CORRUPT_IMAGE");
	}

	@Test
	void deadLettersAMessageOfUnknownShapeUnchanged() {
		String body = "{\"hello\":\"world\",\"marker\":\"unknown-shape\"}";
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		Message dead = awaitDeadLetter((message) -> message.body().equals(body));
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_CODE).stringValue())
			.isEqualTo("INVALID_MESSAGE");
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue())
			.contains("unknown message shape");
	}

	@Test
	void processesTheGoodRecordsOfAMessageAndDeadLettersTheForeignBucketWithoutAnItem() {
		upload(QUIET, "uploads/frank/good.jpg", SampleImages.jpeg(640, 480));
		String body = s3Event(record(QUIET, "uploads/frank/good.jpg"),
				record("someone-elses-bucket", "uploads/mallory/secret.jpg"));
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		assertThat(awaitFinal(idOf(QUIET, "uploads/frank/good.jpg")).get(STATUS).s()).isEqualTo("COMPLETED");
		Message dead = awaitDeadLetter((message) -> message.body().equals(body));
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_CODE).stringValue())
			.isEqualTo("INVALID_MESSAGE");
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue())
			.contains("not a configured source bucket");
		String refused = idOf("someone-elses-bucket", "uploads/mallory/secret.jpg");
		assertThat(item(refused)).isEmpty();
		assertThat(this.events.matching(eventFor(refused))).isEmpty();
		assertThat(outputKeys(refused + "/")).isEmpty();
	}

	@Test
	void deadLettersAMessageOfTwoHundredForeignRecordsOnceWithoutItemsOrEvents() {
		String[] records = new String[200];
		for (int i = 0; i < records.length; i++) {
			records[i] = record("someone-elses-bucket", "uploads/mallory/flood-" + i + ".jpg");
		}
		String many = s3Event(records);
		String few = s3Event(java.util.Arrays.copyOf(records, 3));

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(many));
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(few));

		Message manyDead = awaitDeadLetter((message) -> message.body().equals(many));
		assertThat(manyDead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue())
			.contains("200 records, more than the limit of 10");
		Message fewDead = awaitDeadLetter((message) -> message.body().equals(few));
		assertThat(fewDead.messageAttributes().get(DeadLetterAttributes.FAILURE_COUNT).stringValue()).isEqualTo("3");
		assertThat(this.deadLetters.matching((message) -> message.body().equals(many))).hasSize(1);
		assertThat(this.deadLetters.matching((message) -> message.body().equals(few))).hasSize(1);
		for (int i = 0; i < records.length; i++) {
			assertThat(item(idOf("someone-elses-bucket", "uploads/mallory/flood-" + i + ".jpg"))).isEmpty();
		}
		assertThat(this.events.all()).as("no event for a refused record")
			.noneMatch((event) -> event.body().contains("flood-"));
	}

	@Test
	void acknowledgesADuplicateOfACompletedSourceWithoutRenderingOrAnnouncingAgain() {
		String key = "uploads/grace/twice.jpg";
		upload(QUIET, key, SampleImages.jpeg(1000, 700));
		String id = idOf(QUIET, key);
		String body = s3Event(record(QUIET, key));
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));
		Map<String, AttributeValue> first = awaitAnnounced(id);
		awaitEvent(id, "COMPLETED");
		double duplicatesBefore = imagesCounter("duplicate");

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(imagesCounter("duplicate")).isGreaterThan(duplicatesBefore));
		Map<String, AttributeValue> after = item(id);
		assertThat(after.get(ATTEMPTS).n()).isEqualTo("1");
		assertThat(after.get(UPDATED_AT).s()).isEqualTo(first.get(UPDATED_AT).s());
		assertThat(this.events.matching(eventFor(id))).hasSize(1);
	}

	@Test
	void aReuploadReplacesTheResultAndDeletesTheOldVariants() {
		String key = "uploads/nina/again.jpg";
		String id = idOf(UPLOADS, key);
		String first = upload(UPLOADS, key, flatJpeg(900, 600, new Color(200, 30, 30)));
		awaitEvent(id, "COMPLETED");
		List<String> firstObjects = outputKeys(id + "/");
		assertThat(firstObjects).hasSize(2).allMatch((object) -> object.startsWith(id + "/" + first + "/"));

		String second = upload(UPLOADS, key, flatJpeg(900, 600, new Color(30, 60, 200)));

		Map<String, AttributeValue> item = await().atMost(PATIENCE)
			.until(() -> item(id),
					(found) -> second.equals(found.get(SOURCE_ETAG).s()) && "COMPLETED".equals(found.get(STATUS).s()));
		BufferedImage thumb = SampleImages.decode(download(THUMBNAILS, variantKey(item, "thumb")));
		assertThat(isBlue(thumb.getRGB(thumb.getWidth() / 2, thumb.getHeight() / 2))).isTrue();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(outputKeys(id + "/")).hasSize(2)
				.allMatch((object) -> object.startsWith(id + "/" + second + "/")));
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(this.events.matching(eventFor(id))).extracting((event) -> eTagOf(event))
				.containsExactlyInAnyOrder(first, second));
	}

	@Test
	void aLateRenderOfAnOlderVersionNeverReplacesTheNewerOne() {
		String key = "uploads/otto/race.jpg";
		String id = idOf(UPLOADS, key);
		byte[] older = flatJpeg(1200, 800, new Color(200, 30, 30));
		byte[] newer = flatJpeg(1200, 800, new Color(30, 60, 200));
		String olderETag = md5(older);
		String newerETag = md5(newer);
		double supersededBefore = imagesCounter("superseded");
		// The older version's first variant write is held until the newer one is done.
		CountDownLatch newerDone = new CountDownLatch(1);
		AtomicInteger held = faults.holdNext(
				(request) -> request.method().equals("PUT")
						&& request.path().startsWith("/" + THUMBNAILS + "/" + id + "/" + olderETag + "/"),
				newerDone, PATIENCE, 1);
		try {
			upload(UPLOADS, key, older);
			await().atMost(PATIENCE).until(() -> held.get() == 1);

			upload(UPLOADS, key, newer);

			await().atMost(PATIENCE)
				.until(() -> item(id), (found) -> newerETag.equals(found.get(SOURCE_ETAG).s())
						&& "COMPLETED".equals(found.get(STATUS).s()));
		}
		finally {
			newerDone.countDown();
		}
		// The older render finishes after the hold, is refused, and deletes what it
		// wrote.
		await().atMost(PATIENCE).until(() -> imagesCounter("superseded") > supersededBefore);
		assertThat(outputKeys(id + "/")).hasSize(2).allMatch((object) -> object.startsWith(id + "/" + newerETag + "/"));
		Map<String, AttributeValue> item = item(id);
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(SOURCE_ETAG).s()).isEqualTo(newerETag);
		BufferedImage thumb = SampleImages.decode(download(THUMBNAILS, variantKey(item, "thumb")));
		assertThat(isBlue(thumb.getRGB(thumb.getWidth() / 2, thumb.getHeight() / 2))).isTrue();
		awaitEvent(id, "COMPLETED");
		assertThat(this.events.matching(eventFor(id))).extracting((event) -> eTagOf(event)).containsExactly(newerETag);
	}

	@Test
	void deadLettersAnEventWhoseSourceObjectIsGone() {
		String key = "uploads/heidi/vanished.jpg";
		String body = s3Event(record(QUIET, key));
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		Map<String, AttributeValue> item = assertFailed(new Uploaded(QUIET, key), "SOURCE_NOT_FOUND");
		assertThat(item.get(ATTEMPTS)).as("failed on the first receive, before any claim").isNull();
	}

	@Test
	void retriesASourceS3RefusesToShowAndSaysWhyWhenEveryReceiveWasRefused() {
		String key = "uploads/ines/forbidden.jpg";
		AtomicInteger served = faults.answerNext(
				(request) -> request.method().equals("GET") && request.path().equals("/" + UPLOADS + "/" + key),
				FaultProxy.Answer.ACCESS_DENIED, Integer.MAX_VALUE);

		Map<String, AttributeValue> item = assertFailed(upload(key, SampleImages.jpeg(640, 480)), "RETRIES_EXHAUSTED");
		assertThat(item.get(ERROR).m().get(ERROR_MESSAGE).s()).contains("access denied");
		assertThat(served.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void retriesATransientFaultAndSucceeds() {
		// More 503s than the SDK retries by itself, fewer than two receives' worth; on
		// the write of a variant, after the claim, so that attempts count.
		String key = "uploads/ivan/flaky.jpg";
		String id = idOf(UPLOADS, key);
		AtomicInteger served = faults.failNext(variantWrite(id, "medium"), 4);
		upload(UPLOADS, key, SampleImages.jpeg(1200, 800));

		Map<String, AttributeValue> item = awaitFinal(id);
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(ATTEMPTS).n()).isEqualTo("2");
		assertThat(served).hasValue(4);
		assertThat(this.deadLetters.matching(QueueCollector.attribute(DeadLetterAttributes.IMAGE_ID, id))).isEmpty();
	}

	@Test
	void deadLettersATransientFaultThatOutlastsEveryReceive() {
		String key = "uploads/judy/doomed.jpg";
		AtomicInteger served = faults.failNext(variantWrite(idOf(UPLOADS, key), "medium"), Integer.MAX_VALUE);

		Map<String, AttributeValue> item = assertFailed(upload(key, SampleImages.jpeg(1200, 800)), "RETRIES_EXHAUSTED");
		assertThat(item.get(ATTEMPTS).n()).isEqualTo("3");
		assertThat(item.get(ERROR).m().get(ERROR_MESSAGE).s()).contains("503");
		assertThat(served.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void aNewVersionThatCannotBeReadIsRetriedThenFailedNeverDroppedBehindTheOldCompletion() {
		String key = "uploads/kai/update.jpg";
		String id = idOf(UPLOADS, key);
		upload(UPLOADS, key, SampleImages.jpeg(800, 600));
		awaitEvent(id, "COMPLETED");
		AtomicInteger served = faults.failNext(
				(request) -> request.method().equals("GET") && request.path().equals("/" + UPLOADS + "/" + key),
				Integer.MAX_VALUE);

		Map<String, AttributeValue> item = assertFailed(upload(key, SampleImages.jpeg(900, 600)), "RETRIES_EXHAUSTED");
		assertThat(item.get(VARIANTS).l()).as("the last good variants stay").hasSize(2);
		assertThat(served.get()).isGreaterThanOrEqualTo(3);
	}

	@Test
	void anS3OutagePausesTheWorkerUntilAProbeFindsS3BackAndLosesNothing() {
		AtomicBoolean down = new AtomicBoolean(true);
		faults.failNext((request) -> down.get() && request.path().startsWith("/" + UPLOADS + "/")
				&& (request.method().equals("GET") || request.method().equals("HEAD")), Integer.MAX_VALUE);
		faults.failNext(
				(request) -> down.get() && request.path().equals("/" + UPLOADS) && request.method().equals("HEAD"),
				Integer.MAX_VALUE);
		List<String> ids = List.of("img_0a7a6e0000000001", "img_0a7a6e0000000002", "img_0a7a6e0000000003",
				"img_0a7a6e0000000004");
		try {
			for (String id : ids) {
				upload(UPLOADS, "uploads/olaf/" + id + ".jpg", SampleImages.jpeg(640, 480));
			}

			await().atMost(PATIENCE).until(() -> status(serverPort(), "GET", "/readyz", null) == 503);
			assertThat(prometheusTotal("resilience4j_circuitbreaker_state", "name=\"s3\",state=\"open\""))
				.isEqualTo(1.0);
		}
		finally {
			down.set(false);
		}

		for (String id : ids) {
			Map<String, AttributeValue> item = awaitFinal(id);
			assertThat(item.get(STATUS).s()).as(id).isEqualTo("COMPLETED");
			assertThat(Integer.parseInt(item.get(ATTEMPTS).n())).as(id).isLessThanOrEqualTo(2);
		}
		await().atMost(PATIENCE).until(() -> status(serverPort(), "GET", "/readyz", null) == 200);
		assertThat(this.deadLetters.matching((message) -> ids.stream().anyMatch(message.body()::contains))).isEmpty();
		assertThat(this.events.matching(QueueCollector.attribute("status", "FAILED")))
			.noneMatch((event) -> ids.stream().anyMatch(event.body()::contains));
	}

	@Test
	void probesEveryDownstreamWithACallItsRoleAllows() {
		for (Downstream downstream : Downstream.values()) {
			this.probes.probe(downstream);
		}
	}

	@Test
	void reprocessesACompletedImageOnRequestKeepingItsIdAndKeys() {
		String key = "uploads/rita/again-please.jpg";
		String id = idOf(UPLOADS, key);
		upload(UPLOADS, key, SampleImages.jpeg(900, 600));
		Map<String, AttributeValue> first = awaitAnnounced(id);
		List<String> keys = outputKeys(id + "/");

		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody("""
				{"bucket": "%s", "s3Key": "%s", "reprocess": true}""".formatted(UPLOADS, key)));

		// The first completion's announcedAt stays while the second claim renders.
		Map<String, AttributeValue> again = await().atMost(PATIENCE)
			.until(() -> item(id), (item) -> "2".equals(item.get(ATTEMPTS).n())
					&& "COMPLETED".equals(item.get(STATUS).s()) && item.containsKey(ANNOUNCED_AT));
		assertThat(again.get(UPDATED_AT).s()).isGreaterThan(first.get(UPDATED_AT).s());
		assertThat(again.get(VARIANTS_SPEC).s()).isEqualTo("jpeg q85: medium 1024, thumb 256");
		assertThat(again.get(VARIANTS)).isEqualTo(first.get(VARIANTS));
		assertThat(outputKeys(id + "/")).isEqualTo(keys);
		assertThat(this.events.matching(eventFor(id)))
			.extracting((event) -> this.json.readTree(event.body()).path("reprocessed").asBoolean())
			.containsExactly(false, true);
	}

	@Test
	void theListenerIsSpringCloudAwsOwnWithTheOptionsOfApplicationYml() {
		AbstractMessageListenerContainer<?, ?, ?> live = this.containers.getListenerContainers()
			.stream()
			.map((container) -> (AbstractMessageListenerContainer<?, ?, ?>) container)
			.filter((container) -> container.getQueueNames().contains("e2e-queue"))
			.findFirst()
			.orElseThrow();
		ContainerOptions<?, ?> options = live.getContainerOptions();

		assertThat(((SqsContainerOptions) options).getQueueNotFoundStrategy()).isEqualTo(QueueNotFoundStrategy.FAIL);
		assertThat(options.getMaxMessagesPerPoll()).isEqualTo(1);
		assertThat(options.getPollTimeout()).isEqualTo(Duration.ofSeconds(20));
		assertThat(options.getMaxConcurrentMessages()).as("image-worker.processing.concurrency").isEqualTo(2);
		assertThat(options.getAcknowledgementMode()).isEqualTo(AcknowledgementMode.MANUAL);
		upload(UPLOADS, "uploads/kim/observed.jpg", SampleImages.jpeg(300, 200));
		awaitFinal(idOf(UPLOADS, "uploads/kim/observed.jpg"));
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(get(managementPort(), "/actuator/prometheus"))
				.as("the listener's messaging observation")
				.containsPattern(
						"spring_(cloud_)?aws_sqs_listener_seconds_count\\{[^}]*messaging_source_name=\"e2e-queue\""));
	}

	@Test
	void announcesOnRedeliveryACompletionWhoseEventFailed() {
		String key = "uploads/liam/quiet-moment.jpg";
		String id = idOf(UPLOADS, key);
		// At least as many 503s as the SDK's attempts per call, whichever retry mode it
		// runs.
		AtomicInteger served = faults.failNext(
				(request) -> request.body().contains("Action=Publish") && request.body().contains("quiet-moment"), 4);
		upload(UPLOADS, key, SampleImages.jpeg(900, 600));

		JsonNode event = awaitEvent(id, "COMPLETED");
		assertThat(event.get("variants")).hasSize(2);
		assertThat(served).hasValue(4);
		Map<String, AttributeValue> item = await().atMost(PATIENCE)
			.until(() -> item(id), (found) -> found.containsKey(ANNOUNCED_AT));
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(ATTEMPTS).n()).isEqualTo("1");
		assertThat(this.events.matching(eventFor(id))).hasSize(1);
	}

	@Test
	void ignoresTheS3TestEvent() {
		String body = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Bucket\":\"e2e-uploads\"}";
		double before = messagesCounter("acknowledged");
		this.sqs.sendMessage((request) -> request.queueUrl(this.queueUrl).messageBody(body));

		await().atMost(PATIENCE).untilAsserted(() -> assertThat(messagesCounter("acknowledged")).isGreaterThan(before));
		assertThat(this.deadLetters.matching((message) -> message.body().equals(body))).isEmpty();
	}

	@Test
	void servesProbesOnTheMainPortAndActuatorOnTheManagementPort() {
		assertThat(get(serverPort(), "/livez")).contains("\"status\":\"UP\"");
		assertThat(get(serverPort(), "/readyz")).contains("\"status\":\"UP\"");
		assertThat(get(managementPort(), "/actuator/health/liveness")).contains("\"status\":\"UP\"");
		assertThat(get(managementPort(), "/actuator/info")).contains("\"java\"");
		assertThat(status(serverPort(), "GET", "/actuator/health", null)).as("nothing else on the main port")
			.isEqualTo(401);
		upload(UPLOADS, "uploads/kim/metrics.jpg", SampleImages.jpeg(300, 200));
		awaitFinal(idOf(UPLOADS, "uploads/kim/metrics.jpg"));
		// The item turns COMPLETED before the event is published and the job's metrics
		// are recorded.
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(get(managementPort(), "/actuator/prometheus")).contains(
					"imageworker_images_total{", "outcome=\"completed\"", "imageworker_render_seconds_count{",
					"engine="));
	}

	@Test
	void exportsItsMetricsToCloudWatch() {
		upload(UPLOADS, "uploads/kim/cloudwatch.jpg", SampleImages.jpeg(300, 200));
		awaitFinal(idOf(UPLOADS, "uploads/kim/cloudwatch.jpg"));
		try (CloudWatchClient cloudWatch = aws.client(CloudWatchClient.builder())) {
			await().atMost(PATIENCE)
				.untilAsserted(() -> assertThat(cloudWatch.listMetrics((request) -> request.namespace("ImageWorker"))
					.metrics()
					.stream()
					.map(Metric::metricName)).contains("imageworker.messages.count", "imageworker.job.count"));
		}
	}

	@Test
	void pushesMetricsToNoCollectorItWasNotGiven() {
		assertThat(this.beans.getBeansOfType(MeterRegistry.class).values()).extracting(Object::getClass)
			.contains(PrometheusMeterRegistry.class, CloudWatchMeterRegistry.class)
			.doesNotContain(OtlpMeterRegistry.class);
	}

	@Test
	void noOperatorEndpointOrWriteAnswersWithoutCredentials() {
		for (String path : List.of("/actuator/deadletters", "/actuator/images/img_0000000000000001", "/actuator/health",
				"/actuator/loggers/root", "/actuator/metrics")) {
			assertThat(status(managementPort(), "POST", path, null)).as("POST %s", path).isEqualTo(401);
		}
		assertThat(status(managementPort(), "GET", "/actuator/metrics", null)).isEqualTo(401);
		assertThat(status(managementPort(), "GET", "/actuator/deadletters", null)).isEqualTo(401);
		assertThat(status(managementPort(), "GET", "/actuator/deadletters", "operator:guess")).isEqualTo(401);
		assertThat(status(serverPort(), "POST", "/livez", null)).isEqualTo(401);
	}

	/**
	 * The task role's policy grants exactly what the worker calls: every action seen on
	 * the wire in this class's tests, nothing more.
	 */
	@Test
	@Order(Integer.MAX_VALUE - 1)
	void theTaskRolePolicyGrantsExactlyTheCallsTheWorkerMakes() {
		Set<String> granted = IamActions.granted(Path.of("deploy/ecs/task-role-policy.json"));
		Set<String> used = faults.actions();

		assertThat(granted).as("actions the worker called").containsAll(used);
		assertThat(used).as("actions granted").containsAll(granted);
	}

	@Test
	@Order(Integer.MAX_VALUE)
	void leavesTheMainQueueEmpty() {
		await().atMost(PATIENCE).untilAsserted(() -> {
			Map<QueueAttributeName, String> attributes = this.sqs
				.getQueueAttributes((request) -> request.queueUrl(this.queueUrl)
					.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
							QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
				.attributes();
			assertThat(attributes).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
				.containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0");
		});
	}

	/**
	 * The item, the single dead letter and the FAILED event of an image that failed
	 * permanently with the code, all for the version uploaded.
	 */
	private Map<String, AttributeValue> assertFailed(Uploaded uploaded, String code) {
		String imageId = idOf(uploaded.bucket(), uploaded.key());
		Map<String, AttributeValue> item = await().atMost(PATIENCE)
			.until(() -> item(imageId), (found) -> found.containsKey(ERROR));
		assertThat(item.get(STATUS).s()).isEqualTo("FAILED");
		assertThat(item.get(ERROR).m().get(ERROR_CODE).s()).isEqualTo(code);
		assertThat(item.get(ERROR).m().get(ERROR_MESSAGE).s()).isNotBlank();
		if (uploaded.eTag() != null) {
			assertThat(item.get(SOURCE_ETAG).s()).isEqualTo(uploaded.eTag());
		}
		Message dead = awaitDeadLetter(QueueCollector.attribute(DeadLetterAttributes.IMAGE_ID, imageId));
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_CODE).stringValue()).isEqualTo(code);
		assertThat(dead.messageAttributes().get(DeadLetterAttributes.FAILURE_MESSAGE).stringValue())
			.isEqualTo(item.get(ERROR).m().get(ERROR_MESSAGE).s());
		assertThat(dead.body()).contains("\"Records\"");
		assertThat(this.deadLetters.matching(QueueCollector.attribute(DeadLetterAttributes.IMAGE_ID, imageId)))
			.hasSize(1);
		JsonNode event = awaitEvent(imageId, "FAILED");
		assertThat(event.get("error").get("code").asString()).isEqualTo(code);
		assertThat(event.get("sourceKey").asString()).isEqualTo(uploaded.key());
		if (uploaded.eTag() != null) {
			assertThat(event.get("sourceETag").asString()).isEqualTo(uploaded.eTag());
		}
		else {
			assertThat(event.path("sourceETag").isNull()).isTrue();
		}
		assertThat(event.get("variants")).isEmpty();
		return item;
	}

	private Uploaded upload(String key, byte[] content) {
		return new Uploaded(UPLOADS, key, upload(UPLOADS, key, content));
	}

	/**
	 * @return the ETag of the version written
	 */
	private String upload(String bucket, String key, byte[] content) {
		return this.s3.putObject((request) -> request.bucket(bucket).key(key), RequestBody.fromBytes(content))
			.eTag()
			.replace("\"", "");
	}

	private byte[] download(String bucket, String key) {
		return this.s3.getObjectAsBytes((request) -> request.bucket(bucket).key(key)).asByteArray();
	}

	private List<String> outputKeys(String prefix) {
		return this.s3.listObjectsV2((request) -> request.bucket(THUMBNAILS).prefix(prefix))
			.contents()
			.stream()
			.map(S3Object::key)
			.sorted()
			.toList();
	}

	private static software.amazon.awssdk.services.sqs.model.MessageAttributeValue stringAttribute(String value) {
		return software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
			.dataType("String")
			.stringValue(value)
			.build();
	}

	private static byte[] flatJpeg(int width, int height, Color color) {
		return SampleImages.encode(SampleImages.flat(width, height, color), "jpeg");
	}

	/** The ETag S3 gives an object written in one PUT. */
	private static String md5(byte[] content) {
		try {
			return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(content));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The imageId of a key whose stem is not an upload API's id, as docs/processing.md
	 * gives it.
	 */
	private static String idOf(String bucket, String key) {
		return UUID.nameUUIDFromBytes((bucket + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
	}

	private static Predicate<FaultProxy.Request> variantWrite(String imageId, String variant) {
		return (request) -> request.method().equals("PUT")
				&& request.path().startsWith("/" + THUMBNAILS + "/" + imageId + "/")
				&& request.path().endsWith("/" + variant + ".jpg");
	}

	private static String variantKey(Map<String, AttributeValue> item, String name) {
		return item.get(VARIANTS)
			.l()
			.stream()
			.map(AttributeValue::m)
			.filter((variant) -> variant.get(VARIANT_NAME).s().equals(name))
			.findFirst()
			.orElseThrow()
			.get(VARIANT_KEY)
			.s();
	}

	private Map<String, AttributeValue> item(String imageId) {
		return this.dynamo
			.getItem((request) -> request.tableName("e2e-images")
				.key(Map.of(IMAGE_ID, AttributeValue.fromS(imageId)))
				.consistentRead(true))
			.item();
	}

	/**
	 * An item as a completion under the earlier id rules left it, for a version of 2020.
	 */
	private void recordedEarlier(String imageId, String bucket, String key) {
		this.dynamo.putItem((request) -> request.tableName("e2e-images")
			.item(Map.of("imageId", AttributeValue.fromS(imageId), "userId", AttributeValue.fromS("erin"),
					"sourceBucket", AttributeValue.fromS(bucket), "sourceKey", AttributeValue.fromS(key), "sourceETag",
					AttributeValue.fromS("earlier"), "sourceLastModified", AttributeValue.fromS("2020-01-01T00:00:00Z"),
					"status", AttributeValue.fromS("COMPLETED"), "createdAt",
					AttributeValue.fromS("2020-01-01T00:00:00Z"), "attempts", AttributeValue.fromN("1"), "announcedAt",
					AttributeValue.fromS("2020-01-01T00:00:01Z"))));
	}

	/** Whether the item holds this version of its source, COMPLETED. */
	private static boolean completed(Map<String, AttributeValue> item, String eTag) {
		return "COMPLETED".equals(item.get(STATUS).s()) && eTag.equals(item.get(SOURCE_ETAG).s());
	}

	private Map<String, AttributeValue> awaitFinal(String imageId) {
		return await().atMost(PATIENCE)
			.until(() -> item(imageId), (item) -> item != null && item.containsKey(STATUS)
					&& List.of("COMPLETED", "FAILED").contains(item.get(STATUS).s()));
	}

	/**
	 * The item of a completed image once its event went out: the worker writes nothing
	 * more to it after that, so it is a snapshot later reads can be compared with.
	 */
	private Map<String, AttributeValue> awaitAnnounced(String imageId) {
		return await().atMost(PATIENCE)
			.until(() -> item(imageId), (item) -> item != null && item.containsKey(ANNOUNCED_AT)
					&& item.containsKey(STATUS) && "COMPLETED".equals(item.get(STATUS).s()));
	}

	private Message awaitDeadLetter(Predicate<Message> predicate) {
		return await().atMost(PATIENCE)
			.until(() -> this.deadLetters.matching(predicate), (found) -> !found.isEmpty())
			.getFirst();
	}

	private JsonNode awaitEvent(String imageId, String status) {
		Message message = await().atMost(PATIENCE)
			.until(() -> this.events.matching(eventFor(imageId).and(QueueCollector.attribute("status", status))),
					(found) -> !found.isEmpty())
			.getFirst();
		JsonNode event = this.json.readTree(message.body());
		assertThat(event.get("status").asString()).isEqualTo(status);
		return event;
	}

	private Predicate<Message> eventFor(String imageId) {
		return (message) -> imageId.equals(this.json.readTree(message.body()).path("imageId").asString(null));
	}

	private String eTagOf(Message event) {
		return this.json.readTree(event.body()).path("sourceETag").asString(null);
	}

	private static List<String> variants(Map<String, AttributeValue> item) {
		return item.get(VARIANTS)
			.l()
			.stream()
			.map(AttributeValue::m)
			.map((v) -> v.get(VARIANT_NAME).s() + " " + v.get(VARIANT_WIDTH).n() + "x" + v.get(VARIANT_HEIGHT).n())
			.toList();
	}

	private static boolean isRed(int rgb) {
		Color color = new Color(rgb);
		return color.getRed() > 180 && color.getGreen() < 70 && color.getBlue() < 70;
	}

	private static boolean isBlue(int rgb) {
		Color color = new Color(rgb);
		return color.getBlue() > 180 && color.getRed() < 70 && color.getGreen() < 90;
	}

	private int serverPort() {
		return this.environment.getRequiredProperty("local.server.port", Integer.class);
	}

	private int managementPort() {
		return this.environment.getRequiredProperty("local.management.port", Integer.class);
	}

	private String get(int port, String path) {
		HttpResponse<String> response = send(port, "GET", path, null);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private int status(int port, String method, String path, String credentials) {
		return send(port, method, path, credentials).statusCode();
	}

	private HttpResponse<String> send(int port, String method, String path, String credentials) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (credentials != null) {
			request.header("Authorization", "Basic "
					+ java.util.Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		try (HttpClient client = HttpClient.newHttpClient()) {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private double imagesCounter(String outcome) {
		return prometheusTotal("imageworker_images_total", "outcome=\"" + outcome + "\"");
	}

	private double messagesCounter(String disposition) {
		return prometheusTotal("imageworker_messages_total", "disposition=\"" + disposition + "\"");
	}

	private double prometheusTotal(String metric, String label) {
		return get(managementPort(), "/actuator/prometheus").lines()
			.filter((line) -> line.startsWith(metric + "{") && line.contains(label))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static String s3Event(String... records) {
		return "{\"Records\":[" + String.join(",", records) + "]}";
	}

	/**
	 * An object written to a source bucket.
	 *
	 * @param bucket the bucket
	 * @param key the key
	 * @param eTag the version written, or null when the test wrote none
	 */
	private record Uploaded(String bucket, String key, String eTag) {

		Uploaded(String bucket, String key) {
			this(bucket, key, null);
		}

	}

	private static String record(String bucket, String key) {
		String encoded = java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
		return """
				{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"ObjectCreated:Put",
				 "s3":{"bucket":{"name":"%s"},"object":{"key":"%s"}}}""".formatted(bucket, encoded);
	}

}
