package dev.imageworker.reprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import dev.imageworker.support.FaultProxy;
import dev.imageworker.support.LocalAws;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.ERROR_MESSAGE;
import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_KEY;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.USER_ID;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS_SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The {@code reprocess} command of the jar against a real AWS API: which jobs each
 * selection enqueues, on the bulk queue, and how a run that broke off resumes from its
 * checkpoint without sending a job twice.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReprocessIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final String TABLE = "reprocess-items";

	private static final String BUCKET = "reprocess-src";

	private static final String SPEC = "jpeg q85: medium 1024, thumb 256";

	private final JsonMapper json = JsonMapper.builder().build();

	@BeforeAll
	static void seed() {
		try (DynamoDbClient dynamo = aws.dynamo(); S3Client s3 = aws.s3()) {
			dynamo.createTable((request) -> request.tableName(TABLE)
				.billingMode(BillingMode.PAY_PER_REQUEST)
				.attributeDefinitions(
						(definition) -> definition.attributeName(IMAGE_ID).attributeType(ScalarAttributeType.S))
				.keySchema((key) -> key.attributeName(IMAGE_ID).keyType(KeyType.HASH)));
			// Ids of the shape the earlier default id-pattern took from camera stems:
			// items
			// recorded then keep them, and the command sends each item's own id.
			item(dynamo, "img_c0", "FAILED", "CORRUPT_IMAGE", null);
			item(dynamo, "img_c1", "FAILED", "CORRUPT_IMAGE", null);
			item(dynamo, "img_t0", "FAILED", "PROCESSING_TIMEOUT", null);
			item(dynamo, "img_s0", "FAILED", "SOURCE_NOT_FOUND", null);
			item(dynamo, "img_d0", "COMPLETED", null, SPEC);
			item(dynamo, "img_d1", "COMPLETED", null, "jpeg q85: medium 1024, thumb 128");
			item(dynamo, "img_d2", "COMPLETED", null, null);
			s3.createBucket((request) -> request.bucket(BUCKET));
			for (int i = 0; i < 25; i++) {
				String key = "backfill/u/photo-" + i + ".jpg";
				s3.putObject((request) -> request.bucket(BUCKET).key(key), RequestBody.fromString("x"));
			}
			s3.putObject((request) -> request.bucket(BUCKET).key("elsewhere/u/photo.jpg"), RequestBody.fromString("x"));
		}
	}

	@Test
	void enqueuesFailedItemsOfTheGivenCodesOnTheBulkQueue(@TempDir Path directory) {
		String queue = queue("failed");

		assertThat(run(directory, queue, aws.endpoint().toString(), "--failed=CORRUPT_IMAGE,PROCESSING_TIMEOUT"))
			.isZero();

		List<JsonNode> jobs = drain(queue);
		assertThat(jobs).extracting((job) -> job.get("imageId").asString())
			.containsExactlyInAnyOrder("img_c0", "img_c1", "img_t0");
		assertThat(jobs).allSatisfy((job) -> {
			assertThat(job.get("reprocess").asBoolean()).isTrue();
			assertThat(job.get("bucket").asString()).isEqualTo(BUCKET);
			assertThat(job.get("s3Key").asString()).isEqualTo("uploads/u/" + job.get("imageId").asString() + ".jpg");
			assertThat(job.has("userId")).as("the item keeps the owner it records").isFalse();
		});
	}

	@Test
	void enqueuesCompletedItemsOfOtherVariantsThanTheCurrentOnes(@TempDir Path directory) {
		String queue = queue("outdated");

		assertThat(run(directory, queue, aws.endpoint().toString(), "--outdated")).isZero();

		assertThat(drain(queue)).extracting((job) -> job.get("imageId").asString())
			.containsExactlyInAnyOrder("img_d1", "img_d2");
	}

	@Test
	void resumesABackfillThatBrokeOffFromItsCheckpointSendingNoJobTwice(@TempDir Path directory,
			CapturedOutput output) {
		String queue = queue("backfill");
		AtomicInteger batches = new AtomicInteger();
		AtomicBoolean broken = new AtomicBoolean(true);
		List<String> first = new ArrayList<>();
		try (FaultProxy proxy = new FaultProxy(aws.endpoint())) {
			proxy.failNext((request) -> request.body().contains("\"Entries\"") && broken.get()
					&& batches.incrementAndGet() > 2, Integer.MAX_VALUE);

			assertThatException().isThrownBy(
					() -> run(directory, queue, proxy.endpoint().toString(), "--prefix=s3://" + BUCKET + "/backfill/"));
			first.addAll(keys(drain(queue)));
			assertThat(first).as("the first two batches").hasSize(20);

			broken.set(false);
			assertThat(run(directory, queue, proxy.endpoint().toString(), "--prefix=s3://" + BUCKET + "/backfill/"))
				.isZero();
		}

		List<String> rest = keys(drain(queue));
		List<String> all = new ArrayList<>(first);
		all.addAll(rest);
		assertThat(rest).as("the rest").hasSize(5);
		assertThat(all).as("every object, once")
			.containsExactlyInAnyOrderElementsOf(
					IntStream.range(0, 25).mapToObj((i) -> "backfill/u/photo-" + i + ".jpg").toList());
		assertThat(output).contains("resuming after 20", "sent 25 of 25");
	}

	@Test
	void refusesToRunWithoutASelection(@TempDir Path directory, CapturedOutput output) {
		assertThat(run(directory, queue("none"), aws.endpoint().toString(), "--prefix=not-s3")).isEqualTo(2);
		assertThat(output).contains("Usage: reprocess");
	}

	private static List<String> keys(List<JsonNode> jobs) {
		return jobs.stream().map((job) -> job.get("s3Key").asString()).toList();
	}

	private static int run(Path directory, String bulkQueue, String endpoint, String selection) {
		List<String> args = new ArrayList<>(List.of("reprocess", selection, "--rate=1000",
				"--checkpoint=" + directory.resolve("reprocess.checkpoint")));
		aws.springProperties()
			.forEach((name, value) -> args
				.add("--" + name + "=" + (name.equals("spring.cloud.aws.endpoint") ? endpoint : value)));
		args.addAll(List.of("--image-worker.table=" + TABLE, "--image-worker.source-buckets=" + BUCKET,
				"--image-worker.bulk-queue=" + bulkQueue));
		return ReprocessApplication.run(args.toArray(String[]::new));
	}

	private static String queue(String name) {
		try (SqsClient sqs = aws.sqs()) {
			sqs.createQueue((request) -> request.queueName("reprocess-" + name));
		}
		return "reprocess-" + name;
	}

	private List<JsonNode> drain(String queue) {
		List<JsonNode> jobs = new ArrayList<>();
		try (SqsClient sqs = aws.sqs()) {
			String url = sqs.getQueueUrl((request) -> request.queueName(queue)).queueUrl();
			List<Message> batch;
			do {
				batch = sqs
					.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0))
					.messages();
				for (Message message : batch) {
					jobs.add(this.json.readTree(message.body()));
					sqs.deleteMessage((request) -> request.queueUrl(url).receiptHandle(message.receiptHandle()));
				}
			}
			while (!batch.isEmpty());
		}
		return jobs;
	}

	private static void item(DynamoDbClient dynamo, String imageId, String status, String code, String spec) {
		Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(IMAGE_ID, AttributeValue.fromS(imageId),
				STATUS, AttributeValue.fromS(status), USER_ID, AttributeValue.fromS("u"), SOURCE_BUCKET,
				AttributeValue.fromS(BUCKET), SOURCE_KEY, AttributeValue.fromS("uploads/u/" + imageId + ".jpg")));
		if (code != null) {
			item.put(ERROR, AttributeValue
				.fromM(Map.of(ERROR_CODE, AttributeValue.fromS(code), ERROR_MESSAGE, AttributeValue.fromS("because"))));
		}
		if (spec != null) {
			item.put(VARIANTS_SPEC, AttributeValue.fromS(spec));
		}
		dynamo.putItem((request) -> request.tableName(TABLE).item(item));
	}

}
