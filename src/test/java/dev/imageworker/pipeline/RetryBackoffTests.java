package dev.imageworker.pipeline;

import java.util.Map;
import java.util.stream.IntStream;

import dev.imageworker.support.TestProperties;
import io.github.resilience4j.core.IntervalFunction;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long a message that failed transiently stays hidden, by the receive it failed on. A
 * first backoff above the cap is refused at start ({@code ImageWorkerPropertiesTests}).
 */
class RetryBackoffTests {

	@Test
	void theFirstBackoffDoublesOnEachFurtherReceiveUpToItsCap() {
		IntervalFunction backoff = ImagePipeline.retryBackoff(TestProperties.bind(Map.of()).processing());

		assertThat(IntStream.rangeClosed(1, 7).mapToObj(backoff::apply)).as("milliseconds, by receive")
			.containsExactly(30_000L, 60_000L, 120_000L, 240_000L, 300_000L, 300_000L, 300_000L);
	}

}
