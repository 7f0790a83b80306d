package dev.imageworker;

import java.time.Duration;
import java.util.Map;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same flow against Testcontainers LocalStack, wherever a Docker engine runs;
 * elsewhere it is skipped and the suite runs against moto_server alone.
 */
@EnabledIf(value = "dev.imageworker.support.LocalAws#dockerAvailable",
		disabledReason = "no Docker engine: LocalStack flow skipped, the suite ran against moto_server")
@SpringBootTest(properties = { "image-worker.provision=true", "image-worker.queue=ls-queue",
		"image-worker.dead-letter-queue=ls-dlq", "image-worker.source-buckets=ls-uploads",
		"image-worker.output-bucket=ls-thumbnails", "image-worker.table=ls-images", "image-worker.topic=ls-events" })
class LocalStackIT {

	private static LocalAws localStack;

	@DynamicPropertySource
	static void localStack(DynamicPropertyRegistry registry) {
		localStack = LocalAws.startLocalStack();
		localStack.springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@Test
	void rendersAnUploadedPhoto() {
		localStack.s3()
			.putObject((request) -> request.bucket("ls-uploads").key("uploads/lisa/photo.jpg"),
					RequestBody.fromBytes(SampleImages.jpeg(2000, 1500)));

		Map<String, AttributeValue> item = await().atMost(Duration.ofSeconds(90))
			.until(() -> localStack.dynamo()
				.getItem((request) -> request.tableName("ls-images")
					.key(Map.of(IMAGE_ID, AttributeValue.fromS("photo"))))
				.item(), (found) -> found != null && "COMPLETED".equals(found.get(STATUS).s()));
		assertThat(item.get(VARIANTS).l()).hasSize(2);
		assertThat(SampleImages
			.decode(localStack.s3()
				.getObjectAsBytes((request) -> request.bucket("ls-thumbnails").key("photo/thumb.jpg"))
				.asByteArray())
			.getWidth()).isEqualTo(256);
	}

}
