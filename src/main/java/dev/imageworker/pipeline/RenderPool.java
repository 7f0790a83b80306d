package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.ProcessingFailure;
import dev.imageworker.failure.TransientFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * The bounded pool that runs CPU-bound rendering, one thread per permitted message in
 * flight, with the job time limit. A render over the limit is cancelled, not abandoned:
 * left running it would keep its pool thread and its memory while the next message waits.
 * A render that ignores its cancellation (native code never sees it) marks the worker not
 * live once past a grace period, so that it is replaced.
 */
@Component
class RenderPool implements DisposableBean {

	private final RenderEngine engine;

	private final RenderSpec spec;

	private final Duration timeout;

	private final ExecutorService executor;

	private final ObservationRegistry observations;

	private final RenderWatchdog watchdog;

	@Autowired
	RenderPool(RenderEngine engine, RenderSpec spec, ImageWorkerProperties properties, ObservationRegistry observations,
			ApplicationEventPublisher events) {
		this(engine, spec, properties, observations, events, RenderWatchdog.DEFAULT_GRACE);
	}

	RenderPool(RenderEngine engine, RenderSpec spec, ImageWorkerProperties properties, ObservationRegistry observations,
			ApplicationEventPublisher events, Duration grace) {
		this.engine = engine;
		this.spec = spec;
		this.timeout = properties.processing().jobTimeout();
		this.observations = observations;
		this.watchdog = new RenderWatchdog(events, grace);
		int threads = properties.processing().effectiveConcurrency();
		this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				new CustomizableThreadFactory("render-"));
	}

	Rendering render(byte[] source) {
		Cancellation cancellation = new Cancellation();
		RenderWatchdog.Watched watched = new RenderWatchdog.Watched();
		// Observed on the render thread, as a child of the image the caller observes.
		Observation image = this.observations.getCurrentObservation();
		Future<Rendering> rendering = this.executor.submit(() -> watched.run(() -> {
			cancellation.startClock(this.timeout);
			return Observation.createNotStarted("imageworker.render", this.observations)
				.parentObservation(image)
				.lowCardinalityKeyValue("engine", this.engine.name())
				.observe(() -> this.engine.render(source, this.spec, cancellation));
		}));
		long start = 0;
		try {
			// A prefetched message may wait for a thread, at most for the render ahead
			// of it, which the time limit bounds; its own limit starts with it.
			if (!watched.awaitStart(this.timeout)) {
				// Should it start right now, it stops at its first stage.
				cancellation.cancel();
				rendering.cancel(true);
				throw new TransientFailure("no render thread free within " + this.timeout.toSeconds() + " s", null);
			}
			start = System.nanoTime();
			return rendering.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			cancellation.cancel();
			rendering.cancel(true);
			this.watchdog.watch(watched, start + this.timeout.toNanos());
			throw new PermanentFailure(FailureCode.PROCESSING_TIMEOUT,
					"rendering took longer than " + this.timeout.toSeconds() + " s");
		}
		catch (InterruptedException ex) {
			cancellation.cancel();
			rendering.cancel(true);
			Thread.currentThread().interrupt();
			throw new TransientFailure("interrupted while rendering", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof ProcessingFailure failure) {
				throw failure;
			}
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw new TransientFailure("rendering failed unexpectedly: " + ex.getCause(), ex.getCause());
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
