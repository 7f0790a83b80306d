package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Marks the worker not live when a cancelled render keeps its pool thread past a grace
 * period, so that the orchestrator replaces the task instead of leaving it a thread short
 * for good while it reports UP.
 */
final class RenderWatchdog {

	/**
	 * A render that honours its cancellation stops at its engine's next check (ImageIO
	 * between rows, libvips between regions), moments after it. A false alarm costs a
	 * task restart, so the margin is wide enough for a long GC pause or CPU throttling on
	 * a small task; a stuck thread costs the task a share of its throughput until it is
	 * replaced, so the margin is no wider.
	 */
	static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

	private static final int STACK_FRAMES = 8;

	private static final Logger log = LoggerFactory.getLogger(RenderWatchdog.class);

	private final ApplicationEventPublisher events;

	private final Duration grace;

	RenderWatchdog(ApplicationEventPublisher events, Duration grace) {
		this.events = events;
		this.grace = grace;
	}

	/**
	 * Waits for a cancelled render to end, on a thread of its own so the message's
	 * failure handling goes on at once, and marks the worker not live if it does not end
	 * within the grace period.
	 * @param render the render just cancelled
	 * @param deadline {@link System#nanoTime()} at which its time limit passed
	 */
	void watch(Watched render, long deadline) {
		// The ERROR line belongs to the message whose render got stuck.
		Map<String, String> context = MDC.getCopyOfContextMap();
		Thread.ofVirtual().name("render-watchdog").start(() -> {
			if (render.awaitEnd(this.grace)) {
				return;
			}
			if (context != null) {
				MDC.setContextMap(context);
			}
			Thread thread = render.thread();
			log.error(
					"Render thread {} ignored its cancellation and is still running {} ms past its time limit; "
							+ "marking the worker not live so that it is replaced. State {}, stack top: {}",
					thread.getName(), Duration.ofNanos(System.nanoTime() - deadline).toMillis(), thread.getState(),
					stackTop(thread));
			// Not reverted should the render end later: a native call that ignored its
			// cancellation may have left its library's state or memory behind.
			AvailabilityChangeEvent.publish(this.events, this, LivenessState.BROKEN);
		});
	}

	private static String stackTop(Thread thread) {
		return Arrays.stream(thread.getStackTrace())
			.limit(STACK_FRAMES)
			.map(StackTraceElement::toString)
			.collect(Collectors.joining(" <- "));
	}

	/** One render on its pool thread, from its start to its end. */
	static final class Watched {

		private final CountDownLatch started = new CountDownLatch(1);

		private final CountDownLatch ended = new CountDownLatch(1);

		private volatile @Nullable Thread thread;

		/** Runs the render on the calling pool thread. */
		<T> T run(Callable<T> render) throws Exception {
			this.thread = Thread.currentThread();
			this.started.countDown();
			try {
				return render.call();
			}
			finally {
				this.ended.countDown();
			}
		}

		boolean awaitStart(Duration timeout) throws InterruptedException {
			return this.started.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}

		private boolean awaitEnd(Duration timeout) {
			try {
				return this.ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				// Nothing interrupts a watcher; should something, it stops watching
				// rather
				// than restart the worker on no evidence.
				Thread.currentThread().interrupt();
				return true;
			}
		}

		private Thread thread() {
			Thread thread = this.thread;
			if (thread == null) {
				throw new IllegalStateException("render not started");
			}
			return thread;
		}

	}

}
