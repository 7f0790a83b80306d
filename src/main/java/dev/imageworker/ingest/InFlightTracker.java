package dev.imageworker.ingest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imageworker.config.ImageWorkerProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts the messages this worker is processing right now, beside how many it takes on at
 * once. Next to the queue backlog they tell whether a worker is saturated or idle, and
 * task scale-in protection follows the count.
 */
@Component
public class InFlightTracker {

	private final AtomicInteger inFlight = new AtomicInteger();

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	public InFlightTracker(MeterRegistry registry, ImageWorkerProperties properties) {
		Gauge.builder("imageworker.inflight", this.inFlight, AtomicInteger::get)
			.description("Messages this worker is processing now")
			.register(registry);
		Gauge
			.builder("imageworker.capacity", properties.processing(),
					ImageWorkerProperties.Processing::messagesInFlight)
			.description("Messages this worker takes on at once from the live queue")
			.register(registry);
	}

	public void begin() {
		if (this.inFlight.incrementAndGet() == 1) {
			this.listeners.forEach(Runnable::run);
		}
	}

	public void end() {
		if (this.inFlight.decrementAndGet() == 0) {
			this.listeners.forEach(Runnable::run);
		}
	}

	/** Messages in flight now. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Calls the listener, on the calling thread, whenever the worker turns busy or idle.
	 * Two such calls may arrive out of order, so a listener reads {@link #inFlight()}
	 * rather than trusting which transition woke it.
	 */
	public void onBusyOrIdle(Runnable listener) {
		this.listeners.add(listener);
	}

}
