package dev.imageworker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.imageworker.config.ImageWorkerProperties;
import io.awspring.cloud.sqs.listener.Visibility;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * The messages this worker holds, from receipt until each is settled, kept in this one
 * place for everything that asks: the {@code imageworker.inflight} gauge beside the
 * capacity (next to the queue backlog they tell whether a worker is saturated or idle),
 * task scale-in protection (busy or idle), the bulk queue's gate (no live message for a
 * quiet period) and the visibility heartbeat (what to keep hidden, what to release at
 * shutdown).
 */
@Component
public class InFlightTracker {

	private static final Duration QUIET_POLL = Duration.ofMillis(100);

	private final Set<Held> held = ConcurrentHashMap.newKeySet();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger live = new AtomicInteger();

	private volatile long lastLiveSettled = System.nanoTime() - Duration.ofDays(1).toNanos();

	private final AtomicLong settled = new AtomicLong();

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

	/**
	 * Holds a message just received.
	 * @param visibility the message's own, to keep it hidden or to release it
	 * @param traffic the queue it came from
	 * @return the hold, to close once the message is settled
	 */
	public Held hold(String messageId, Visibility visibility, Traffic traffic) {
		Held message = new Held(messageId, visibility, traffic);
		this.held.add(message);
		if (traffic == Traffic.LIVE) {
			this.live.incrementAndGet();
		}
		if (this.inFlight.incrementAndGet() == 1) {
			this.listeners.forEach(Runnable::run);
		}
		return message;
	}

	/** Messages in flight now. */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** No live message in flight, and none settled within the quiet period. */
	boolean isLiveQuietFor(Duration quiet) {
		return this.live.get() == 0 && System.nanoTime() - this.lastLiveSettled >= quiet.toNanos();
	}

	/**
	 * Waits until no live message has been in flight for the quiet period, for at most
	 * the given time, unless the message is released meanwhile. Polls: the wait is the
	 * bulk listener's alone, and a tenth of a second late costs a backfill nothing.
	 * @return whether to go on with the message, rather than it was released
	 */
	boolean awaitLiveQuiet(Held message, Duration quiet, Duration atMost) throws InterruptedException {
		long deadline = System.nanoTime() + atMost.toNanos();
		while (!isLiveQuietFor(quiet) && System.nanoTime() - deadline < 0) {
			if (message.finished.get()) {
				return false;
			}
			Thread.sleep(QUIET_POLL);
		}
		return !message.finished.get();
	}

	/** Messages settled so far; a released one is not. */
	long settled() {
		return this.settled.get();
	}

	/**
	 * Releases every message still held and not yet released: none of them counts as
	 * settled when its work ends, and whatever runs while it is held stops.
	 * @return the messages released by this call, to make visible again
	 */
	List<Held> release() {
		List<Held> released = new ArrayList<>();
		for (Held message : this.held) {
			if (message.finish()) {
				released.add(message);
			}
		}
		return released;
	}

	/**
	 * Calls the listener, on the calling thread, whenever the worker turns busy or idle.
	 * Two such calls may arrive out of order, so a listener reads {@link #inFlight()}
	 * rather than trusting which transition woke it.
	 */
	public void onBusyOrIdle(Runnable listener) {
		this.listeners.add(listener);
	}

	/** Which queue a message came from. */
	public enum Traffic {

		/** The live queue: uploads. */
		LIVE,

		/** The bulk queue: reprocessing and backfills, in the gaps of live traffic. */
		BULK

	}

	/** One message in flight, until it is settled or released. */
	public final class Held implements AutoCloseable {

		private final String messageId;

		private final Visibility visibility;

		private final Traffic traffic;

		private final AtomicBoolean finished = new AtomicBoolean();

		private volatile @Nullable Future<?> task;

		private Held(String messageId, Visibility visibility, Traffic traffic) {
			this.messageId = messageId;
			this.visibility = visibility;
			this.traffic = traffic;
		}

		String messageId() {
			return this.messageId;
		}

		Visibility visibility() {
			return this.visibility;
		}

		/** Runs the task for as long as the message is held: cancelled once it is not. */
		void whileHeld(Future<?> task) {
			this.task = task;
			if (this.finished.get()) {
				task.cancel(false);
			}
		}

		/**
		 * Settles the message: its work is done, whatever the queue does with it next.
		 */
		@Override
		public void close() {
			if (finish()) {
				InFlightTracker.this.settled.incrementAndGet();
			}
			if (!InFlightTracker.this.held.remove(this)) {
				return;
			}
			if (this.traffic == Traffic.LIVE) {
				InFlightTracker.this.lastLiveSettled = System.nanoTime();
				InFlightTracker.this.live.decrementAndGet();
			}
			if (InFlightTracker.this.inFlight.decrementAndGet() == 0) {
				InFlightTracker.this.listeners.forEach(Runnable::run);
			}
		}

		/**
		 * Whether this call settled or released the message, rather than an earlier one.
		 */
		private boolean finish() {
			boolean first = this.finished.compareAndSet(false, true);
			Future<?> current = this.task;
			if (current != null) {
				current.cancel(false);
			}
			return first;
		}

	}

}
