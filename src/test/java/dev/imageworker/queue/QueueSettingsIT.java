package dev.imageworker.queue;

import java.time.Duration;
import java.util.Map;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The visibility timeout and receive count the worker acts on are the queue's, read from
 * SQS, not the properties'.
 */
@ExtendWith(OutputCaptureExtension.class)
class QueueSettingsIT {

	private static final LocalAws aws = LocalAws.shared();

	@Test
	void readsTheQueuesVisibilityTimeoutAndRedriveCountAndWarnsOnceAboutTheMismatch(CapturedOutput output) {
		try (SqsClient sqs = aws.sqs(); SqsAsyncClient async = asyncClient()) {
			String dlqArn = arn(sqs, sqs.createQueue((request) -> request.queueName("settings-dlq")).queueUrl());
			sqs.createQueue((request) -> request.queueName("settings-queue")
				.attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "45", QueueAttributeName.REDRIVE_POLICY,
						"{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}")));
			QueueSettings settings = new QueueSettings(new QueueAttributes(async, new QueueUrls(async)),
					JsonMapper.builder().build(), TestProperties.bind(Map.of("queue", "settings-queue",
							"processing.visibility-timeout", "60s", "processing.max-receive-count", "3")));

			settings.afterSingletonsInstantiated();

			assertThat(settings.visibilityTimeout()).isEqualTo(Duration.ofSeconds(45));
			assertThat(settings.maxReceiveCount()).isEqualTo(5);
			assertThat(output.getOut()
				.lines()
				.filter((line) -> line.contains("WARN")
						&& line.contains("settings-queue has visibility timeout 45 s and maxReceiveCount 5")))
				.hasSize(1);
		}
	}

	@Test
	void fallsBackToThePropertiesWhileTheQueueCannotBeRead(CapturedOutput output) {
		try (SqsAsyncClient async = asyncClient()) {
			QueueSettings settings = new QueueSettings(new QueueAttributes(async, new QueueUrls(async)),
					JsonMapper.builder().build(),
					TestProperties.bind(Map.of("queue", "no-such-queue", "processing.visibility-timeout", "70s")));

			assertThat(settings.visibilityTimeout()).isEqualTo(Duration.ofSeconds(70));
			assertThat(settings.maxReceiveCount()).isEqualTo(3);
			assertThat(output).contains("Could not read the settings of queue no-such-queue");
		}
	}

	private static SqsAsyncClient asyncClient() {
		return aws.client(SqsAsyncClient.builder());
	}

	private static String arn(SqsClient sqs, String url) {
		return sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
	}

}
