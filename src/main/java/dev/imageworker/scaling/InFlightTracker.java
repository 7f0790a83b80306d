package dev.imageworker.scaling;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts the messages this worker is processing right now. Next to the queue backlog it
 * tells whether a worker is saturated (in flight equals its concurrency) or idle.
 */
@Component
public class InFlightTracker {

	private final AtomicInteger inFlight = new AtomicInteger();

	public InFlightTracker(MeterRegistry registry) {
		Gauge.builder("imageworker.inflight", this.inFlight, AtomicInteger::get)
			.description("Messages this worker is processing now")
			.register(registry);
	}

	public void begin() {
		this.inFlight.incrementAndGet();
	}

	public void end() {
		this.inFlight.decrementAndGet();
	}

}
