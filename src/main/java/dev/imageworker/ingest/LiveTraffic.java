package dev.imageworker.ingest;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

/** Whether live messages are in flight, or were a moment ago. */
@Component
class LiveTraffic {

	private final AtomicInteger inFlight = new AtomicInteger();

	private volatile long lastEnded = System.nanoTime() - Duration.ofDays(1).toNanos();

	void begin() {
		this.inFlight.incrementAndGet();
	}

	void end() {
		this.lastEnded = System.nanoTime();
		this.inFlight.decrementAndGet();
	}

	/** No live message in flight, and none ended within the quiet period. */
	boolean isQuietFor(Duration quiet) {
		return this.inFlight.get() == 0 && System.nanoTime() - this.lastEnded >= quiet.toNanos();
	}

}
