package dev.imageworker.scaling;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import dev.imageworker.queue.QueueUrls;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/** The backlog gauges against a real SQS API, without the application context. */
class QueueBacklogIT {

	private final LocalAws aws = LocalAws.shared();

	private final SqsClient sqs = this.aws.sqs();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	@Test
	void gaugesShowVisibleInFlightAndDeadLetteredMessages() {
		String queue = "backlog-" + UUID.randomUUID();
		String deadLetters = queue + "-dlq";
		String queueUrl = create(queue, 3);
		create(deadLetters, 2);
		this.sqs.receiveMessage((request) -> request.queueUrl(queueUrl).maxNumberOfMessages(1).visibilityTimeout(300));
		QueueBacklog backlog = backlog(queue, deadLetters);

		assertThat(gauge("imageworker.queue.messages", queue, "visible")).isNaN();
		backlog.refresh();

		assertThat(gauge("imageworker.queue.messages", queue, "visible")).isEqualTo(2);
		assertThat(gauge("imageworker.queue.messages", queue, "in-flight")).isEqualTo(1);
		assertThat(this.registry.get("imageworker.dlq.messages").tag("queue", deadLetters).gauge().value())
			.isEqualTo(2);
	}

	@Test
	void queueGivenByUrlIsTaggedWithItsName() {
		String queue = "backlog-" + UUID.randomUUID();
		String queueUrl = create(queue, 1);
		String deadLetters = create(queue + "-dlq", 0);
		QueueBacklog backlog = backlog(queueUrl, deadLetters);

		backlog.refresh();

		assertThat(gauge("imageworker.queue.messages", queue, "visible")).isEqualTo(1);
		assertThat(this.registry.get("imageworker.dlq.messages").tag("queue", queue + "-dlq").gauge().value()).isZero();
	}

	@Test
	void failedReadKeepsTheLastValues() {
		String queue = "backlog-" + UUID.randomUUID();
		String queueUrl = create(queue, 2);
		String deadLetters = queue + "-dlq";
		create(deadLetters, 0);
		QueueBacklog backlog = backlog(queue, deadLetters);
		backlog.refresh();

		this.sqs.deleteQueue((request) -> request.queueUrl(queueUrl));
		backlog.refresh();

		assertThat(gauge("imageworker.queue.messages", queue, "visible")).isEqualTo(2);
	}

	private QueueBacklog backlog(String queue, String deadLetters) {
		SqsAsyncClient async = this.aws.client(SqsAsyncClient.builder());
		return new QueueBacklog(new QueueAttributes(async, new QueueUrls(async)), properties(queue, deadLetters),
				this.registry);
	}

	private double gauge(String name, String queue, String state) {
		return this.registry.get(name).tag("queue", queue).tag("state", state).gauge().value();
	}

	private String create(String name, int messages) {
		String url = this.sqs.createQueue((request) -> request.queueName(name)).queueUrl();
		for (int i = 0; i < messages; i++) {
			int n = i;
			this.sqs.sendMessage((request) -> request.queueUrl(url).messageBody("message " + n));
		}
		return url;
	}

	private static ImageWorkerProperties properties(String queue, String deadLetters) {
		return TestProperties.bind(Map.of("queue", queue, "dead-letter-queue", deadLetters));
	}

}
