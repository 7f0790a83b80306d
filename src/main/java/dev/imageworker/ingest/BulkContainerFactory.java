package dev.imageworker.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.awspring.cloud.sqs.config.Endpoint;
import io.awspring.cloud.sqs.config.MessageListenerContainerFactory;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandlerFactory;

/**
 * Makes the bulk queue's container: the auto-configured factory makes it, with all it
 * gives every container, and this one shuts its gate also while live uploads are in
 * flight or were within the quiet period, so a backfill runs in the gaps of live traffic
 * and never holds a render thread, the memory budget or the local AWS's attention that an
 * upload could use. A factory of its own type: a second
 * {@link SqsMessageListenerContainerFactory} bean would make Spring Cloud AWS's
 * auto-configured one back off.
 */
final class BulkContainerFactory implements MessageListenerContainerFactory<SqsMessageListenerContainer<Object>> {

	private final SqsMessageListenerContainerFactory<Object> containers;

	private final BackPressureHandlerFactory backPressure;

	/**
	 * @param containers the factory of every other container
	 * @param breakerOpen whether a downstream's breaker is open
	 * @param quiet how long no live message must have been in flight
	 */
	BulkContainerFactory(SqsMessageListenerContainerFactory<Object> containers, BooleanSupplier breakerOpen,
			InFlightTracker inFlight, Duration quiet) {
		this.containers = containers;
		this.backPressure = ListenerConfiguration
			.backPressure(() -> breakerOpen.getAsBoolean() || !inFlight.isLiveQuietFor(quiet));
	}

	@Override
	public SqsMessageListenerContainer<Object> createContainer(Endpoint endpoint) {
		return gated(this.containers.createContainer(endpoint));
	}

	@Override
	public SqsMessageListenerContainer<Object> createContainer(String... queueNames) {
		return gated(this.containers.createContainer(queueNames));
	}

	private SqsMessageListenerContainer<Object> gated(SqsMessageListenerContainer<Object> container) {
		container.configure((options) -> options.backPressureHandlerFactory(this.backPressure));
		return container;
	}

}
