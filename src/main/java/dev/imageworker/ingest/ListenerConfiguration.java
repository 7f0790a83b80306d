package dev.imageworker.ingest;

import java.time.Duration;

import dev.imageworker.config.ImageWorkerProperties;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.QueueNotFoundStrategy;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The listener container: back-pressure, long polling and explicit acknowledgement. */
@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

	/** SQS returns at most ten messages per receive. */
	private static final int SQS_MAX_BATCH = 10;

	private static final Duration LONG_POLL = Duration.ofSeconds(20);

	/** Deletions are immediate, so only the last few can still be pending at shutdown. */
	private static final Duration ACKNOWLEDGEMENT_FLUSH = Duration.ofSeconds(5);

	@Bean
	SqsMessageListenerContainerFactory<Object> defaultSqsListenerContainerFactory(SqsAsyncClient sqs,
			ImageWorkerProperties properties) {
		int inFlight = properties.processing().effectiveConcurrency();
		return SqsMessageListenerContainerFactory.builder()
			.sqsAsyncClient(sqs)
			.configure((options) -> options
				// No message is received that cannot start rendering at once.
				.maxConcurrentMessages(inFlight)
				.maxMessagesPerPoll(Math.min(inFlight, SQS_MAX_BATCH))
				.pollTimeout(LONG_POLL)
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				// Delete at once rather than in batches: a crash after rendering would
				// otherwise
				// redeliver work that is already done.
				.acknowledgementInterval(Duration.ZERO)
				.acknowledgementThreshold(0)
				// Creating a missing queue would create it without its redrive policy.
				.queueNotFoundStrategy(QueueNotFoundStrategy.FAIL)
				// On stop, polling ends at once and messages in flight get this long to
				// finish; VisibilityHeartbeat then releases what is left.
				.listenerShutdownTimeout(properties.processing().drainTimeout())
				.acknowledgementShutdownTimeout(ACKNOWLEDGEMENT_FLUSH))
			.build();
	}

}
