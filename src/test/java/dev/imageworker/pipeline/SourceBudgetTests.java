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
		SourceBudget budget = new SourceBudget(TestProperties
			.bind(Map.of("processing.concurrency", "2", "limits.max-bytes", "50MB", "processing.job-timeout", "1s")));

		assertThat(budget.available()).isEqualTo(100 * 1024);
	}

	@Test
	void prefetchedEverydayPhotosDownloadTogether() {
		SourceBudget budget = new SourceBudget(100 * MB, Duration.ofMillis(50));

		try (KibPermits.Lease a = budget.hold(5 * MB);
				KibPermits.Lease b = budget.hold(5 * MB);
				KibPermits.Lease c = budget.hold(5 * MB)) {
			assertThat(budget.available()).isEqualTo(85 * 1024);
		}
		assertThat(budget.available()).isEqualTo(100 * 1024);
	}

	@Test
	void aThirdSourceAtTheLimitWaitsAndThenFailsTransiently() {
		SourceBudget budget = new SourceBudget(100 * MB, Duration.ofMillis(50));

		try (KibPermits.Lease a = budget.hold(50 * MB); KibPermits.Lease b = budget.hold(50 * MB)) {
			assertThatExceptionOfType(TransientFailure.class).isThrownBy(() -> budget.hold(50 * MB))
				.withMessageContaining("no heap room");
		}
		try (KibPermits.Lease c = budget.hold(50 * MB)) {
			assertThat(budget.available()).isEqualTo(50 * 1024);
		}
	}

	@Test
	void aSourceLargerThanTheWholeBudgetTakesAllOfIt() {
		SourceBudget budget = new SourceBudget(10 * MB, Duration.ofMillis(50));

		try (KibPermits.Lease a = budget.hold(30 * MB)) {
			assertThat(budget.available()).isZero();
		}
	}

}
