package dev.imageworker.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.downstream.DownstreamBreakers;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandlerFactories;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandlerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The listener containers: Spring Cloud AWS's auto-configured factory (its observation
 * registry, interceptors, error handlers, converter, and the
 * {@code spring.cloud.aws.sqs.*} properties of application.yml), with what no property
 * expresses added: back-pressure, explicit acknowledgement, the shutdown drain; and the
 * bulk queue's, which that factory makes with a gate of its own.
 */
@Configuration(proxyBeanMethods = false)
class ListenerConfiguration {

	/** The bean name of the bulk queue's container factory. */
	static final String BULK_CONTAINERS = "bulkListenerContainerFactory";

	/** SQS deletes at most ten messages per call. */
	private static final int SQS_MAX_BATCH = 10;

	/**
	 * Deletions are batched for at most this long: a crash loses at most this much of
	 * them, and what it loses comes back as a duplicate that the claim turns away.
	 */
	private static final Duration ACKNOWLEDGEMENT_INTERVAL = Duration.ofSeconds(1);

	/** Pending deletions are flushed at shutdown for up to this long. */
	private static final Duration ACKNOWLEDGEMENT_FLUSH = Duration.ofSeconds(5);

	/**
	 * Adds the worker's options to the auto-configured factory rather than replacing it,
	 * which would drop what Spring Cloud AWS wires in.
	 */
	@Bean
	static BeanPostProcessor listenerContainerOptions(ObjectProvider<ImageWorkerProperties> properties,
			ObjectProvider<DownstreamBreakers> downstreams) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof SqsMessageListenerContainerFactory<?> factory) {
					configure(factory, properties.getObject(), downstreams.getObject());
				}
				return bean;
			}

		};
	}

	@Bean(BULK_CONTAINERS)
	@ConditionalOnProperty("image-worker.bulk-queue")
	BulkContainerFactory bulkListenerContainerFactory(SqsMessageListenerContainerFactory<Object> containers,
			ImageWorkerProperties properties, DownstreamBreakers downstreams, InFlightTracker inFlight) {
		return new BulkContainerFactory(containers, downstreams::isOpen, inFlight,
				properties.processing().bulkQuietPeriod());
	}

	private static void configure(SqsMessageListenerContainerFactory<?> factory, ImageWorkerProperties properties,
			DownstreamBreakers downstreams) {
		factory.configure((options) -> options
			// No message is received that cannot start rendering at once, or right after
			// the render ahead of it. The bulk listener asks for one.
			.maxConcurrentMessages(properties.processing().messagesInFlight())
			.acknowledgementMode(AcknowledgementMode.MANUAL)
			// One DeleteMessageBatch per interval or per full batch instead of a
			// DeleteMessage per image.
			.acknowledgementInterval(ACKNOWLEDGEMENT_INTERVAL)
			.acknowledgementThreshold(SQS_MAX_BATCH)
			.backPressureHandlerFactory(backPressure(downstreams::isOpen))
			// On stop, polling ends at once and messages in flight get this long to
			// finish; VisibilityHeartbeat then releases what is left.
			.listenerShutdownTimeout(properties.processing().drainTimeout())
			.acknowledgementShutdownTimeout(ACKNOWLEDGEMENT_FLUSH));
	}

	/**
	 * A concurrency limit, then the {@link ListenerGate}: every free slot keeps a long
	 * poll open, so a message that arrives while others render is received at once.
	 * Spring Cloud AWS's default adds a throughput handler that allows one poll while
	 * traffic is low, and a second poll then waits until a message finishes or the delay
	 * between polls passes; for a few more empty receives per minute the worker takes the
	 * latency. The gate comes second because the limit blocks until a slot frees: asked
	 * first, it answered for the moment the previous message started, and a bulk job
	 * granted while the worker was quiet began after live uploads had resumed.
	 * @param shut when the gate grants nothing
	 */
	static BackPressureHandlerFactory backPressure(BooleanSupplier shut) {
		return BackPressureHandlerFactories.compositeBackPressureHandler(
				BackPressureHandlerFactories.concurrencyLimiterBackPressureHandler(),
				(options) -> new ListenerGate(shut));
	}

}
