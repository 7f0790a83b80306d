package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.Map;

import dev.imageworker.failure.TransientFailure;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class SourceBudgetTests {

	private static final long MB = 1024 * 1024;

	@Test
	void holdsAsMuchAsOneSourceAtTheLimitPerRenderThread() {
		long bytes = SourceBudget.bytes(TestProperties
			.bind(Map.of("processing.concurrency", "2", "limits.max-bytes", "50MB", "processing.job-timeout", "1s")));

		assertThat(bytes).isEqualTo(100 * MB);
	}

	@Test
	void prefetchedEverydayPhotosDownloadTogether() {
		SourceBudget budget = new SourceBudget(100 * MB, Duration.ZERO);

		try (KibPermits.Lease a = budget.hold(5 * MB);
				KibPermits.Lease b = budget.hold(5 * MB);
				KibPermits.Lease c = budget.hold(5 * MB)) {
			assertThat(freeKib(budget, 100 * MB)).isEqualTo(85 * 1024);
		}
		assertThat(freeKib(budget, 100 * MB)).isEqualTo(100 * 1024);
	}

	@Test
	void aThirdSourceAtTheLimitWaitsAndThenFailsTransiently() {
		SourceBudget budget = new SourceBudget(100 * MB, Duration.ofMillis(50));

		try (KibPermits.Lease a = budget.hold(50 * MB); KibPermits.Lease b = budget.hold(50 * MB)) {
			long start = System.nanoTime();
			assertThatExceptionOfType(TransientFailure.class).isThrownBy(() -> budget.hold(50 * MB))
				.withMessageContaining("no heap room");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited its patience")
				.isGreaterThanOrEqualTo(Duration.ofMillis(50));
		}
		// Room for exactly one more: a second source at the limit fits beside it, and
		// then not a KiB more.
		try (KibPermits.Lease c = budget.hold(50 * MB); KibPermits.Lease d = budget.hold(50 * MB)) {
			assertThatExceptionOfType(TransientFailure.class).isThrownBy(() -> budget.hold(1024));
		}
	}

	@Test
	void aSourceLargerThanTheWholeBudgetTakesAllOfIt() {
		SourceBudget budget = new SourceBudget(10 * MB, Duration.ZERO);

		try (KibPermits.Lease a = budget.hold(30 * MB)) {
			assertThat(freeKib(budget, 10 * MB)).isZero();
		}
	}

	/** What the budget grants at once, asked of it as a download would. */
	private static int freeKib(SourceBudget budget, long capacity) {
		return FreeRoom.kib(budget::hold, (int) (capacity / 1024));
	}

}
