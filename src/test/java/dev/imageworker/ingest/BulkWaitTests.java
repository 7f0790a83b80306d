package dev.imageworker.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bulk message received as live uploads resumed waits for the next quiet period, for at
 * most its limit, and stops waiting once it is released.
 */
class BulkWaitTests {

	private static final Duration QUIET = Duration.ofMillis(300);

	private final InFlightTracker inFlight = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	@Test
	void aQuietWorkerGoesOnAtOnce() throws Exception {
		InFlightTracker.Held bulk = hold(InFlightTracker.Traffic.BULK);

		assertThat(this.inFlight.awaitLiveQuiet(bulk, QUIET, Duration.ofMinutes(1))).isTrue();
	}

	@Test
	void aLiveUploadInFlightHoldsTheBulkMessageUntilTheQuietPeriodAfterIt() throws Exception {
		InFlightTracker.Held upload = hold(InFlightTracker.Traffic.LIVE);
		InFlightTracker.Held bulk = hold(InFlightTracker.Traffic.BULK);
		CompletableFuture<Boolean> waited = await(bulk, Duration.ofMinutes(1));
		Thread.sleep(QUIET.multipliedBy(2).toMillis());
		assertThat(waited).as("while the upload is in flight").isNotDone();

		long settled = System.nanoTime();
		upload.close();

		assertThat(waited.get(5, TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - settled)).isGreaterThanOrEqualTo(QUIET);
	}

	@Test
	void theWaitEndsAtItsLimitThoughUploadsGoOn() throws Exception {
		hold(InFlightTracker.Traffic.LIVE);
		InFlightTracker.Held bulk = hold(InFlightTracker.Traffic.BULK);

		assertThat(await(bulk, Duration.ofMillis(200)).get(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void aMessageReleasedWhileItWaitsIsNotProcessed() throws Exception {
		hold(InFlightTracker.Traffic.LIVE);
		InFlightTracker.Held bulk = hold(InFlightTracker.Traffic.BULK);
		CompletableFuture<Boolean> waited = await(bulk, Duration.ofMinutes(1));

		this.inFlight.release();

		assertThat(waited.get(5, TimeUnit.SECONDS)).isFalse();
	}

	private CompletableFuture<Boolean> await(InFlightTracker.Held message, Duration atMost) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return this.inFlight.awaitLiveQuiet(message, QUIET, atMost);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private InFlightTracker.Held hold(InFlightTracker.Traffic traffic) {
		return this.inFlight.hold(traffic.name(), (seconds) -> CompletableFuture.completedFuture(null), traffic);
	}

}
