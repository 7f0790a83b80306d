package dev.imageworker.ingest;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps messages in flight invisible while they are processed, and releases those that
 * cannot finish when the worker stops. Spring Cloud AWS has no heartbeat of its own
 * (awspring/spring-cloud-aws#1554): without one, a render longer than the queue's
 * visibility timeout would be started a second time by another worker.
 * <p>
 * Every third of the queue's visibility timeout (read from the queue, see
 * {@link QueueSettings}) each message in flight is hidden for another full timeout, until
 * it is settled or has been in flight for four times the job time limit (the longest
 * waits for heap room to download, for memory to decode and for a render thread, plus the
 * longest render); past that the worker is presumed stuck on it and the queue may hand it
 * to someone else.
 * <p>
 * Shutdown: the listener container (highest lifecycle phase) stops polling first and
 * waits up to the drain timeout for messages in flight; this bean stops after it and
 * makes whatever the {@link InFlightTracker} still holds visible again at once, so
 * another task takes it without waiting out the visibility timeout.
 */
@Component
class VisibilityHeartbeat implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private static final Logger log = LoggerFactory.getLogger(VisibilityHeartbeat.class);

	/** Stops after the listener container, whose registry has the default phase. */
	private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1;

	private static final Duration RELEASE_WAIT = Duration.ofSeconds(5);

	private final ScheduledExecutorService scheduler;

	private final LongSupplier nanoTime;

	private final InFlightTracker inFlight;

	private final Supplier<Duration> visibilityTimeout;

	private final Duration limit;

	private volatile boolean running;

	private volatile long shutdownStart;

	private volatile long settledBeforeShutdown;

	@Autowired
	VisibilityHeartbeat(InFlightTracker inFlight, QueueSettings queue, ImageWorkerProperties properties) {
		// The three waits, the render and a bulk message's wait for live traffic to
		// pause (MessageHandling) are each bounded by the job time limit.
		this(inFlight, queue::visibilityTimeout, properties.processing().jobTimeout().multipliedBy(5),
				Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("visibility-heartbeat-")),
				System::nanoTime);
	}

	/**
	 * @param scheduler runs the beats; shut down when this bean stops
	 * @param nanoTime the monotonic clock, in nanoseconds, that time in flight is
	 * measured on: the one the scheduler keeps
	 */
	VisibilityHeartbeat(InFlightTracker inFlight, Supplier<Duration> visibilityTimeout, Duration limit,
			ScheduledExecutorService scheduler, LongSupplier nanoTime) {
		this.inFlight = inFlight;
		this.visibilityTimeout = visibilityTimeout;
		this.limit = limit;
		this.scheduler = scheduler;
		this.nanoTime = nanoTime;
	}

	/**
	 * Extends the visibility of a message just received for as long as it is held.
	 */
	void keepHidden(InFlightTracker.Held message) {
		Duration timeout = this.visibilityTimeout.get();
		// A third leaves two chances to extend before the message would reappear.
		long period = Math.max(300, timeout.toMillis() / 3);
		Beat beat = new Beat(message, (int) Math.max(1, timeout.toSeconds()), this.nanoTime.getAsLong());
		ScheduledFuture<?> task = this.scheduler.scheduleAtFixedRate(beat::tick, period, period, TimeUnit.MILLISECONDS);
		beat.schedule(task);
		message.whileHeld(task);
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		// Published before any lifecycle bean stops: the moment polling is about to end.
		// Messages already received are still handed to the listener after polling
		// stopped, so what finishes is counted rather than what was in flight.
		this.settledBeforeShutdown = this.inFlight.settled();
		this.shutdownStart = this.nanoTime.getAsLong();
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		int released = 0;
		for (InFlightTracker.Held message : this.inFlight.release()) {
			try {
				message.visibility().changeToAsync(0).get(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
				released++;
			}
			catch (Exception ex) {
				log.warn("Could not release message {}; it returns after its visibility timeout", message.messageId(),
						ex);
			}
		}
		this.scheduler.shutdownNow();
		boolean closing = this.shutdownStart != 0;
		long millis = closing ? (this.nanoTime.getAsLong() - this.shutdownStart) / 1_000_000 : 0;
		long drained = closing ? this.inFlight.settled() - this.settledBeforeShutdown : 0;
		log.info("Shutdown: polling stopped, {} messages finished while draining for {} ms, {} released for redelivery",
				drained, millis, released);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/** The heartbeat of one message in flight. */
	private final class Beat {

		private final InFlightTracker.Held message;

		private final int timeoutSeconds;

		private final long started;

		private volatile @Nullable ScheduledFuture<?> task;

		private Beat(InFlightTracker.Held message, int timeoutSeconds, long started) {
			this.message = message;
			this.timeoutSeconds = timeoutSeconds;
			this.started = started;
		}

		private void schedule(ScheduledFuture<?> task) {
			this.task = task;
		}

		private void tick() {
			if (VisibilityHeartbeat.this.nanoTime.getAsLong() - this.started > VisibilityHeartbeat.this.limit
				.toNanos()) {
				log.warn("Message {} in flight longer than the job time limit {}, no longer extending its visibility",
						this.message.messageId(), VisibilityHeartbeat.this.limit);
				ScheduledFuture<?> scheduled = this.task;
				if (scheduled != null) {
					scheduled.cancel(false);
				}
				return;
			}
			this.message.visibility().changeToAsync(this.timeoutSeconds).exceptionally((ex) -> {
				// The next tick tries again; should every one fail, another worker may
				// receive the message while this one still renders it.
				log.warn("Extending the visibility of message {} failed", this.message.messageId(), ex);
				return null;
			});
		}

	}

}
