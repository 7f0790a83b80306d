package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.TransientFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The job time limit stops the render, so the pool thread serves the next message instead
 * of finishing work nobody waits for. One thread, so the second render can only run once
 * the first one has really stopped. A render that ignores its cancellation marks the
 * worker not live after a grace period.
 */
@ExtendWith(OutputCaptureExtension.class)
class RenderPoolTests {

	private static final Rendering DONE = new Rendering(ImageFormat.JPEG, 1, 1, List.of(),
			new Placeholder("AAAA", "#000000"));

	private static final Duration GRACE = Duration.ofMillis(300);

	/**
	 * A 400 MP blank PNG: it takes longer to inflate than the time limit allows, and a
	 * second to make, so it is made once.
	 */
	private static final byte[] SLOW = SampleImages.blankPng(20_000, 20_000);

	private final List<Object> events = new CopyOnWriteArrayList<>();

	@Test
	void timeoutCancelsTheRenderAndFreesTheThread() throws Exception {
		CompletableFuture<Throwable> firstOutcome = new CompletableFuture<>();
		AtomicInteger calls = new AtomicInteger();
		RenderEngine blocksUntilCancelled = new TestEngine((cancellation) -> {
			if (calls.incrementAndGet() > 1) {
				return DONE;
			}
			CountDownLatch stopped = new CountDownLatch(1);
			try (Cancellation.Stage _ = cancellation.stage(stopped::countDown)) {
				stopped.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			try {
				cancellation.check();
				firstOutcome.complete(null);
			}
			catch (CancellationException ex) {
				firstOutcome.complete(ex);
				throw ex;
			}
			return DONE;
		});
		RenderPool pool = pool(blocksUntilCancelled, "200ms");
		try {
			assertTimesOut(pool, new byte[0]);
			assertThat(firstOutcome.get()).isInstanceOf(CancellationException.class);
			assertThat(pool.render(new byte[0])).isSameAs(DONE);
		}
		finally {
			pool.destroy();
		}
	}

	@Test
	void renderStoppingOnItsCancellationLeavesLivenessAlone() {
		RenderEngine blocksUntilCancelled = new TestEngine((cancellation) -> {
			CountDownLatch stopped = new CountDownLatch(1);
			try (Cancellation.Stage _ = cancellation.stage(stopped::countDown)) {
				stopped.await(1, TimeUnit.MINUTES);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			cancellation.check();
			return DONE;
		});
		RenderPool pool = pool(blocksUntilCancelled, "200ms");
		try {
			assertTimesOut(pool, new byte[0]);
			// Nothing for twice the grace; the bound above that is only patience.
			await().during(GRACE.multipliedBy(2)).atMost(Duration.ofSeconds(10)).until(this.events::isEmpty);
		}
		finally {
			pool.destroy();
		}
	}

	@Test
	void renderIgnoringItsCancellationMarksTheWorkerNotLiveAfterTheGrace(CapturedOutput output) {
		CountDownLatch testOver = new CountDownLatch(1);
		RenderEngine ignoresCancellation = new TestEngine((cancellation) -> {
			// Native code sees neither the cancellation nor the interrupt.
			while (testOver.getCount() > 0) {
				try {
					testOver.await();
				}
				catch (InterruptedException ex) {
					// Swallowed, as native code would.
				}
			}
			return DONE;
		});
		// Far longer than the time limit, so that a timeout thrown at once stays apart
		// from
		// one thrown after the grace even on a loaded machine.
		Duration grace = Duration.ofSeconds(2);
		RenderPool pool = pool(ignoresCancellation, "200ms", grace);
		try {
			long start = System.nanoTime();
			assertTimesOut(pool, new byte[0]);
			// The message's failure handling does not wait for the grace period.
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(grace);
			assertThat(this.events).isEmpty();
			await().atMost(grace.plusSeconds(2))
				.untilAsserted(() -> assertThat(this.events).singleElement()
					.isInstanceOfSatisfying(AvailabilityChangeEvent.class,
							(event) -> assertThat(event.getState()).isEqualTo(LivenessState.BROKEN)));
			assertThat(output).contains("Render thread render-1 ignored its cancellation")
				.contains("CountDownLatch.await");
		}
		finally {
			testOver.countDown();
			pool.destroy();
		}
	}

	@Test
	void timeLimitOfAWaitingRenderStartsWhenItStarts() throws Exception {
		// Each render takes 60% of the limit: the second, waiting for the only thread,
		// would exceed it if the wait counted.
		RenderEngine slow = new TestEngine((cancellation) -> {
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return DONE;
		});
		RenderPool pool = pool(slow, "500ms");
		ExecutorService listeners = Executors.newFixedThreadPool(2);
		try {
			Future<Rendering> first = listeners.submit(() -> pool.render(new byte[0]));
			Future<Rendering> second = listeners.submit(() -> pool.render(new byte[0]));
			assertThat(first.get()).isSameAs(DONE);
			assertThat(second.get()).isSameAs(DONE);
		}
		finally {
			listeners.shutdownNow();
			pool.destroy();
		}
	}

	@Test
	void vipsRenderIsKilledAtTheTimeLimit() {
		RenderEngine vips;
		try {
			vips = new VipsRenderEngine(ObservationRegistry.NOOP);
		}
		catch (IllegalStateException ex) {
			assumeThat(ex).as("libvips42 is not installed: %s", ex.getMessage()).isNull();
			return;
		}
		assertSlowRenderIsStopped(vips);
	}

	@Test
	void javaRenderIsAbortedAtTheTimeLimit() {
		assertSlowRenderIsStopped(new JavaRenderEngine(ObservationRegistry.NOOP));
	}

	/**
	 * The slow PNG ends with its cancellation rather than its variants, however slow the
	 * machine, and the only thread then renders the small JPEG after it.
	 */
	private void assertSlowRenderIsStopped(RenderEngine engine) {
		byte[] slow = SLOW;
		byte[] small = SampleImages.jpeg(64, 48);
		CompletableFuture<Object> slowEnded = new CompletableFuture<>();
		RenderPool pool = pool(new Watched(engine, slow, slowEnded), "1s");
		try {
			assertThat(pool.render(small).outputs()).isNotEmpty();
			assertTimesOut(pool, slow);
			assertThat(slowEnded).as("how the slow render ended")
				.succeedsWithin(Duration.ofMinutes(1))
				.isInstanceOf(CancellationException.class);
			await().atMost(Duration.ofSeconds(30))
				.ignoreException(TransientFailure.class)
				.untilAsserted(() -> assertThat(pool.render(small).outputs()).isNotEmpty());
		}
		finally {
			pool.destroy();
		}
	}

	private static void assertTimesOut(RenderPool pool, byte[] source) {
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class, () -> pool.render(source));
		assertThat(failure).isNotNull();
		assertThat(failure.code()).isEqualTo(FailureCode.PROCESSING_TIMEOUT);
	}

	private RenderPool pool(RenderEngine engine, String jobTimeout) {
		return pool(engine, jobTimeout, GRACE);
	}

	private RenderPool pool(RenderEngine engine, String jobTimeout, Duration grace) {
		ImageWorkerProperties properties = TestProperties.bind(Map.of("processing.concurrency", "1",
				"processing.job-timeout", jobTimeout, "limits.max-pixels", "1000000000"));
		return new RenderPool(engine, RenderSpec.from(properties), properties, ObservationRegistry.NOOP,
				this.events::add, grace);
	}

	@FunctionalInterface
	private interface Behaviour {

		Rendering render(Cancellation cancellation);

	}

	/**
	 * An engine that tells how its render of one source ended: with the rendering, or
	 * with what it threw.
	 */
	private record Watched(RenderEngine engine, byte[] watched,
			CompletableFuture<Object> ended) implements RenderEngine {

		@Override
		public String name() {
			return this.engine.name();
		}

		@Override
		public Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation) {
			if (source != this.watched) {
				return this.engine.render(source, spec, cancellation);
			}
			try {
				Rendering rendering = this.engine.render(source, spec, cancellation);
				this.ended.complete(rendering);
				return rendering;
			}
			catch (RuntimeException ex) {
				this.ended.complete(ex);
				throw ex;
			}
		}

		@Override
		public List<String> unsupported(RenderSpec spec) {
			return this.engine.unsupported(spec);
		}

	}

	private record TestEngine(Behaviour behaviour) implements RenderEngine {

		@Override
		public String name() {
			return "test";
		}

		@Override
		public Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation) {
			return this.behaviour.render(cancellation);
		}

		@Override
		public List<String> unsupported(RenderSpec spec) {
			return List.of();
		}

	}

}
