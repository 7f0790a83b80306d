package dev.imageworker.pipeline;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The job time limit stops the render, so the pool thread serves the next message instead
 * of finishing work nobody waits for. One thread, so the second render can only run once
 * the first one has really stopped.
 */
class RenderPoolTests {

	private static final Rendering DONE = new Rendering(ImageFormat.JPEG, 1, 1, List.of());

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
			vips = new VipsRenderEngine();
		}
		catch (IllegalStateException ex) {
			assumeThat(ex).as("libvips42 is not installed: %s", ex.getMessage()).isNull();
			return;
		}
		assertSlowRenderIsStopped(vips);
	}

	@Test
	void javaRenderIsAbortedAtTheTimeLimit() {
		assertSlowRenderIsStopped(new JavaRenderEngine());
	}

	/**
	 * A 400 MP blank PNG takes seconds to inflate; were it left running, the small JPEG
	 * after it would wait past its own time limit.
	 */
	private static void assertSlowRenderIsStopped(RenderEngine engine) {
		byte[] slow = SampleImages.blankPng(20_000, 20_000);
		byte[] small = SampleImages.jpeg(64, 48);
		RenderPool pool = pool(engine, "1s");
		try {
			assertThat(pool.render(small).variants()).isNotEmpty();
			assertTimesOut(pool, slow);
			assertThat(pool.render(small).variants()).isNotEmpty();
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

	private static RenderPool pool(RenderEngine engine, String jobTimeout) {
		return new RenderPool(engine, TestProperties.bind(Map.of("processing.concurrency", "1",
				"processing.job-timeout", jobTimeout, "limits.max-pixels", "1000000000")),
				new PipelineMetrics(new SimpleMeterRegistry()));
	}

	@FunctionalInterface
	private interface Behaviour {

		Rendering render(Cancellation cancellation);

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

	}

}
