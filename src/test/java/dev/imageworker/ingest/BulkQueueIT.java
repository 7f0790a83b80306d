package dev.imageworker.ingest;

import java.time.Duration;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.AbstractMessageListenerContainer;
import io.awspring.cloud.sqs.listener.ContainerOptions;
import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bulk queue's container in the running application: made by Spring Cloud AWS's
 * auto-configured factory, which stays in place, with the options of application.yml and
 * a gate of its own; and a job sent to the bulk queue is rendered while live traffic is
 * quiet.
 */
@SpringBootTest(properties = { "image-worker.provision=true", "image-worker.queue=bulk-it-queue",
		"image-worker.dead-letter-queue=bulk-it-dlq", "image-worker.bulk-queue=bulk-it-bulk",
		"image-worker.source-buckets=bulk-it-uploads,bulk-it-quiet", "image-worker.output-bucket=bulk-it-thumbnails",
		"image-worker.table=bulk-it-images", "image-worker.topic=bulk-it-events" })
class BulkQueueIT {

	private static final LocalAws aws = LocalAws.shared();

	@Autowired
	private MessageListenerContainerRegistry containers;

	@Autowired
	private SqsMessageListenerContainerFactory<Object> autoConfigured;

	@Autowired
	private ObservationRegistry observations;

	@Autowired
	private ImageCatalog catalog;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@Test
	void theBulkContainerIsTheAutoConfiguredFactorysWithAGateOfItsOwn() {
		ContainerOptions<?, ?> bulk = options("bulk-it-bulk");
		ContainerOptions<?, ?> live = options("bulk-it-queue");

		assertThat(this.autoConfigured).as("Spring Cloud AWS's own factory, not backed off").isNotNull();
		assertThat(bulk.getPollTimeout()).as("application.yml").isEqualTo(Duration.ofSeconds(20));
		assertThat(bulk.getObservationRegistry()).isSameAs(this.observations);
		assertThat(bulk.getAcknowledgementMode()).isEqualTo(AcknowledgementMode.MANUAL);
		assertThat(bulk.getMaxConcurrentMessages()).isEqualTo(1);
		assertThat(bulk.getBackPressureHandlerFactory()).isNotSameAs(live.getBackPressureHandlerFactory());
	}

	@Test
	void aJobOnTheBulkQueueIsRendered() {
		String key = "backfill/u/img_b01b01b01b01b01b.jpg";
		try (S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
			// No notification: the bulk queue's job is the only way to the image.
			s3.createBucket((request) -> request.bucket("bulk-it-quiet"));
			s3.putObject((request) -> request.bucket("bulk-it-quiet").key(key),
					RequestBody.fromBytes(SampleImages.jpeg(640, 480)));
			String bulkQueue = sqs.getQueueUrl((request) -> request.queueName("bulk-it-bulk")).queueUrl();
			sqs.sendMessage((request) -> request.queueUrl(bulkQueue)
				.messageBody("{\"bucket\": \"bulk-it-quiet\", \"s3Key\": \"" + key + "\", \"reprocess\": true}"));
		}

		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.catalog.find("img_b01b01b01b01b01b"))
				.hasValueSatisfying((item) -> assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED")));
	}

	private ContainerOptions<?, ?> options(String queue) {
		return this.containers.getListenerContainers()
			.stream()
			.map((container) -> (AbstractMessageListenerContainer<?, ?, ?>) container)
			.filter((container) -> container.getQueueNames().contains(queue))
			.findFirst()
			.orElseThrow()
			.getContainerOptions();
	}

}
