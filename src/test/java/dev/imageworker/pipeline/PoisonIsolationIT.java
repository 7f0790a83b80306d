package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.List;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hostile file among good ones: a decompression bomb uploaded with a batch, and a
 * broken record inside a multi-record message. The hostile one fails on its own; the
 * others complete as if it were not there.
 */
@SpringBootTest(properties = { "image-worker.provision=true", "image-worker.queue=poison-queue",
		"image-worker.dead-letter-queue=poison-dlq", "image-worker.source-buckets=poison-uploads",
		"image-worker.output-bucket=poison-thumbnails", "image-worker.table=poison-images",
		"image-worker.topic=poison-events" })
class PoisonIsolationIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final String BUCKET = "poison-uploads";

	@Autowired
	private ImageCatalog catalog;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@Test
	void aBombInABatchFailsAloneAndQuickly() {
		try (S3Client s3 = aws.s3()) {
			put(s3, "uploads/poison/img_b0b0b0b0b0b0b0b0.png", SampleImages.pngHeader(60_000, 60_000, 8, 2));
			for (int i = 0; i < 9; i++) {
				put(s3, "uploads/poison/img_600d600d600d600" + i + ".jpg", SampleImages.jpeg(800, 600));
			}
		}
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
			for (int i = 0; i < 9; i++) {
				assertThat(status("img_600d600d600d600" + i)).isEqualTo("COMPLETED");
			}
			assertThat(status("img_b0b0b0b0b0b0b0b0")).isEqualTo("FAILED");
		});
		assertThat(this.catalog.find("img_b0b0b0b0b0b0b0b0").orElseThrow().get(ERROR).m().get(ERROR_CODE).s())
			.isEqualTo("IMAGE_TOO_LARGE");
	}

	@Test
	void aBrokenRecordDoesNotFailTheRestOfItsMessage() {
		try (S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
			// Uploaded under a prefix whose events the test then sends itself, as one
			// message.
			put(s3, "uploads/multi/img_f1f1f1f1f1f1f1f1.jpg", SampleImages.jpeg(640, 480));
			put(s3, "uploads/multi/img_b4db4db4db4db4d0.jpg",
					SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.4));
			put(s3, "uploads/multi/img_7373737373737373.jpg", SampleImages.jpeg(640, 480));
			String records = String.join(",", List.of(record("uploads/multi/img_f1f1f1f1f1f1f1f1.jpg"),
					record("uploads/multi/img_b4db4db4db4db4d0.jpg"), record("uploads/multi/img_0000000000000000.jpg"),
					record("uploads/multi/img_7373737373737373.jpg")));
			String queueUrl = sqs.getQueueUrl((request) -> request.queueName("poison-queue")).queueUrl();
			sqs.sendMessage((request) -> request.queueUrl(queueUrl).messageBody("{\"Records\":[" + records + "]}"));
		}
		await().atMost(Duration.ofSeconds(45)).untilAsserted(() -> {
			assertThat(status("img_f1f1f1f1f1f1f1f1")).isEqualTo("COMPLETED");
			assertThat(status("img_7373737373737373")).isEqualTo("COMPLETED");
			assertThat(errorCode("img_b4db4db4db4db4d0")).isEqualTo("CORRUPT_IMAGE");
			assertThat(errorCode("img_0000000000000000")).isEqualTo("SOURCE_NOT_FOUND");
		});
	}

	private String status(String imageId) {
		return this.catalog.find(imageId).map((item) -> item.get(STATUS).s()).orElse("absent");
	}

	private String errorCode(String imageId) {
		return this.catalog.find(imageId)
			.map((item) -> item.get(ERROR))
			.map(AttributeValue::m)
			.map((error) -> error.get(ERROR_CODE).s())
			.orElse("none");
	}

	private static void put(S3Client s3, String key, byte[] bytes) {
		s3.putObject((request) -> request.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes));
	}

	private static String record(String key) {
		return """
				{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",\
				"s3":{"bucket":{"name":"%s"},"object":{"key":"%s"}}}""".formatted(BUCKET, key);
	}

}
