package dev.imageworker.ingest;

import java.time.Duration;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.downstream.DownstreamBreakers;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.QueueNotFoundStrategy;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandlerFactories;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The listener container: back-pressure, long polling and explicit acknowledgement. */
@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

	/** SQS deletes at most ten messages per call. */
	private static final int SQS_MAX_BATCH = 10;

	private static final Duration LONG_POLL = Duration.ofSeconds(20);

	/**
	 * Deletions are batched for at most this long: a crash loses at most this much of
	 * them, and what it loses comes back as a duplicate that the claim turns away.
	 */
	private static final Duration ACKNOWLEDGEMENT_INTERVAL = Duration.ofSeconds(1);

	/** Pending deletions are flushed at shutdown for up to this long. */
	private static final Duration ACKNOWLEDGEMENT_FLUSH = Duration.ofSeconds(5);

	@Bean
	SqsMessageListenerContainerFactory<Object> defaultSqsListenerContainerFactory(SqsAsyncClient sqs,
			ImageWorkerProperties properties, DownstreamBreakers downstreams) {
		int inFlight = properties.processing().messagesInFlight();
		return SqsMessageListenerContainerFactory.builder()
			.sqsAsyncClient(sqs)
			.configure((options) -> options
				// No message is received that cannot start rendering at once, or
				// right after the render ahead of it.
				.maxConcurrentMessages(inFlight)
				// The container polls only once a whole batch of slots is free (or
				// after maxDelayBetweenPolls), so a batch of several would leave
				// finished slots idle until the slowest image of the batch is done.
				.maxMessagesPerPoll(1)
				.pollTimeout(LONG_POLL)
				.acknowledgementMode(AcknowledgementMode.MANUAL)
				// One DeleteMessageBatch per interval or per full batch instead of a
				// DeleteMessage per image.
				.acknowledgementInterval(ACKNOWLEDGEMENT_INTERVAL)
				.acknowledgementThreshold(SQS_MAX_BATCH)
				// Creating a missing queue would create it without its redrive policy.
				.queueNotFoundStrategy(QueueNotFoundStrategy.FAIL)
				// Nothing is received while a downstream's breaker is open.
				.backPressureHandlerFactory(BackPressureHandlerFactories.compositeBackPressureHandler(
						(containerOptions) -> new DownstreamGate(downstreams),
						BackPressureHandlerFactories.adaptiveThroughputBackPressureHandler()))
				// On stop, polling ends at once and messages in flight get this long to
				// finish; VisibilityHeartbeat then releases what is left.
				.listenerShutdownTimeout(properties.processing().drainTimeout())
				.acknowledgementShutdownTimeout(ACKNOWLEDGEMENT_FLUSH))
			.build();
	}

}
