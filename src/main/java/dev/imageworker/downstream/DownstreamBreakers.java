package dev.imageworker.downstream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.imageworker.config.ImageWorkerProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

import org.springframework.stereotype.Component;

/**
 * One circuit breaker per downstream (Resilience4j's state machine), fed with the outcome
 * of every call the worker makes to it. When outages (5xx, throttling, no connection)
 * cross the failure-rate threshold of the sliding window, the breaker opens: the listener
 * stops receiving, messages in flight are released, and no transient failure is counted
 * against a message's receives. After a wait that grows with each failed probe the
 * breaker goes half-open and {@link DownstreamProbes} makes one cheap call; its answer
 * closes the breaker or opens it again.
 */
@Component
public class DownstreamBreakers {

	private static final Logger log = LoggerFactory.getLogger(DownstreamBreakers.class);

	private final Map<Downstream, CircuitBreaker> breakers = new EnumMap<>(Downstream.class);

	private final Duration releaseVisibility;

	public DownstreamBreakers(ImageWorkerProperties properties, MeterRegistry meters) {
		ImageWorkerProperties.Breaker settings = properties.breaker();
		this.releaseVisibility = settings.releaseVisibility();
		CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(settings.window())
			.minimumNumberOfCalls(settings.minimumCalls())
			.failureRateThreshold(settings.failureRateThreshold())
			.permittedNumberOfCallsInHalfOpenState(1)
			.automaticTransitionFromOpenToHalfOpenEnabled(true)
			.waitIntervalFunctionInOpenState(
					IntervalFunction.ofExponentialBackoff(settings.firstProbe(), 2.0, settings.maxProbeInterval()))
			.build());
		for (Downstream downstream : Downstream.values()) {
			CircuitBreaker breaker = registry.circuitBreaker(downstream.id());
			breaker.getEventPublisher().onStateTransition((event) -> {
				CircuitBreaker.StateTransition transition = event.getStateTransition();
				if (transition.getToState() == CircuitBreaker.State.OPEN) {
					log.warn("Downstream {} {} -> OPEN: {}% of the last {} calls failed; receiving paused",
							downstream.id(), transition.getFromState(), breaker.getMetrics().getFailureRate(),
							breaker.getMetrics().getNumberOfBufferedCalls());
				}
				else {
					log.warn("Downstream {} {} -> {}", downstream.id(), transition.getFromState(),
							transition.getToState());
				}
			});
			this.breakers.put(downstream, breaker);
		}
		TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
	}

	/** Whether any downstream's breaker is not closed: no message should be taken on. */
	public boolean isOpen() {
		return this.breakers.values().stream().anyMatch((breaker) -> !isClosed(breaker));
	}

	/** Each downstream's breaker state. */
	public Map<Downstream, CircuitBreaker.State> states() {
		Map<Downstream, CircuitBreaker.State> states = new EnumMap<>(Downstream.class);
		this.breakers.forEach((downstream, breaker) -> states.put(downstream, breaker.getState()));
		return states;
	}

	/** How long a message in flight is hidden when an open breaker releases it. */
	public Duration releaseVisibility() {
		return this.releaseVisibility;
	}

	void succeeded(Downstream downstream) {
		breaker(downstream).onSuccess(0, TimeUnit.NANOSECONDS);
	}

	/** Counts an outage against the downstream; any other failure means it answered. */
	void failed(Downstream downstream, Throwable failure) {
		if (isOutage(failure)) {
			breaker(downstream).onError(0, TimeUnit.NANOSECONDS, failure);
		}
		else {
			succeeded(downstream);
		}
	}

	/** Calls the action whenever the downstream's breaker goes half-open. */
	void onHalfOpen(Downstream downstream, Consumer<Downstream> action) {
		breaker(downstream).getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.HALF_OPEN) {
				action.accept(downstream);
			}
		});
	}

	private CircuitBreaker breaker(Downstream downstream) {
		// Every downstream has one, from the constructor on.
		return Objects.requireNonNull(this.breakers.get(downstream));
	}

	static boolean isOutage(Throwable failure) {
		if (failure instanceof AwsServiceException service) {
			return service.statusCode() >= 500 || service.isThrottlingException();
		}
		return failure instanceof SdkClientException;
	}

	private static boolean isClosed(CircuitBreaker breaker) {
		CircuitBreaker.State state = breaker.getState();
		return state == CircuitBreaker.State.CLOSED || state == CircuitBreaker.State.DISABLED;
	}

}
