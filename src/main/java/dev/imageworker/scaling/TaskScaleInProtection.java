package dev.imageworker.scaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.imageworker.ingest.InFlightTracker;
import io.github.resilience4j.core.IntervalFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps ECS from picking this task for a scale-in while it holds messages: protection is
 * turned on through the ECS agent when the worker turns busy and off once it has been
 * idle for {@code idle-grace}, so a scale-in stops idle tasks and never drains a busy
 * one. One protection lasts {@code expires-in}; a task busy for longer lets it lapse
 * until it is next idle, because a protected task also holds up deployments, and a fleet
 * kept busy by a backlog would otherwise never let one finish. Outside ECS (no
 * {@code ECS_AGENT_URI}) nothing happens.
 * <p>
 * The agent is called from one thread of its own, never from a listener thread; a failed
 * call is logged and retried with a backoff.
 */
@Component
class TaskScaleInProtection implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(TaskScaleInProtection.class);

	private static final Duration TICK = Duration.ofSeconds(1);

	/**
	 * After the n-th failed call in a row: a tick, doubled on each further one, up to a
	 * minute.
	 */
	private static final IntervalFunction BACKOFF = IntervalFunction.ofExponentialBackoff(TICK, 2.0,
			Duration.ofSeconds(60));

	private final InFlightTracker tracker;

	private final Duration expiresIn;

	private final Duration idleGrace;

	private final Clock clock;

	private final @Nullable TaskProtectionEndpoint endpoint;

	private final @Nullable ScheduledExecutorService scheduler;

	// Read and written on the scheduler's one thread only.
	private @Nullable Instant protectedUntil;

	private boolean lapsed;

	private @Nullable Instant idleSince;

	private Instant retryAt = Instant.MIN;

	private int failures;

	@Autowired
	TaskScaleInProtection(ScalingProperties properties, InFlightTracker tracker) {
		this(properties.taskProtection(), tracker, Clock.systemUTC(),
				() -> Executors.newSingleThreadScheduledExecutor(new CustomizableThreadFactory("task-protection-")));
	}

	/**
	 * @param scheduler where the tick and the reactions to busy and idle run, created
	 * only where protection is on
	 */
	TaskScaleInProtection(ScalingProperties.TaskProtection properties, InFlightTracker tracker, Clock clock,
			Supplier<ScheduledExecutorService> scheduler) {
		this.tracker = tracker;
		this.expiresIn = properties.expiresIn();
		this.idleGrace = properties.idleGrace();
		this.clock = clock;
		this.idleSince = clock.instant();
		if (!properties.enabled()) {
			this.endpoint = null;
			this.scheduler = null;
			return;
		}
		long minutes = this.expiresIn.toMinutes();
		if (minutes < 1 || minutes > 2880) {
			throw new IllegalArgumentException("image-worker.scaling.task-protection.expires-in must be 1 to 2880 "
					+ "minutes (ECS's limits), not " + this.expiresIn);
		}
		this.endpoint = new TaskProtectionEndpoint(Objects.requireNonNull(properties.agentUri()));
		ScheduledExecutorService ticks = scheduler.get();
		this.scheduler = ticks;
		// The tick clears protection after the idle grace and retries failed calls.
		ticks.scheduleWithFixedDelay(this::reconcile, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
		tracker.onBusyOrIdle(() -> {
			try {
				ticks.execute(this::reconcile);
			}
			catch (RejectedExecutionException stopping) {
				// A render that outlived the shutdown ended; the task is going anyway.
			}
		});
		log.info("Task scale-in protection through the ECS agent: on while messages are held, off after {} idle, "
				+ "at most {} at a time", this.idleGrace, this.expiresIn);
	}

	private void reconcile() {
		try {
			Instant now = this.clock.instant();
			boolean busy = this.tracker.inFlight() > 0;
			// Idle from the first look that finds no message held: at most a tick late,
			// which only lengthens the grace.
			if (busy) {
				this.idleSince = null;
			}
			else if (this.idleSince == null) {
				this.idleSince = now;
			}
			if (this.protectedUntil != null && !now.isBefore(this.protectedUntil)) {
				// ECS cleared it; while the task stays busy it stays unprotected.
				this.protectedUntil = null;
				this.lapsed = busy;
			}
			boolean idle = this.idleSince != null
					&& Duration.between(this.idleSince, now).compareTo(this.idleGrace) >= 0;
			if (idle) {
				this.lapsed = false;
			}
			if (now.isBefore(this.retryAt)) {
				return;
			}
			if (busy && this.protectedUntil == null && !this.lapsed) {
				if (put(true)) {
					this.protectedUntil = now.plus(this.expiresIn);
				}
			}
			else if (idle && this.protectedUntil != null) {
				if (put(false)) {
					this.protectedUntil = null;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			// A scheduled task that throws is never run again.
			log.warn("Task scale-in protection could not be updated", ex);
		}
	}

	private boolean put(boolean enabled) throws InterruptedException {
		// Only the scheduler calls this, and it runs only where the endpoint is known.
		String problem = Objects.requireNonNull(this.endpoint).put(enabled, this.expiresIn.toMinutes());
		Instant now = this.clock.instant();
		if (problem == null) {
			if (this.failures > 0) {
				log.info("Task scale-in protection {} again", enabled ? "set" : "cleared");
			}
			log.debug("Task scale-in protection {}", enabled ? "on" : "off");
			this.failures = 0;
			this.retryAt = Instant.MIN;
			return true;
		}
		if (this.failures == 0) {
			log.warn("Task scale-in protection could not be {} through the ECS agent ({}); retrying",
					enabled ? "set" : "cleared", problem);
		}
		this.failures++;
		this.retryAt = now.plusMillis(BACKOFF.apply(this.failures));
		return false;
	}

	@Override
	public void destroy() {
		// The task is stopping: its protection ends with it.
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
		}
	}

}
