package dev.imageworker.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imageworker.support.TestProperties;
import io.awspring.cloud.sqs.listener.SqsContainerOptions;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler.ReleaseReason;
import io.awspring.cloud.sqs.listener.backpressure.BatchAwareBackPressureHandler;
import io.awspring.cloud.sqs.listener.backpressure.CompositeBackPressureHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ListenerBackPressureTests {

	private static final Duration DELAY_BETWEEN_POLLS = Duration.ofSeconds(10);

	/** For the gate's refusals, which wait out the delay between polls. */
	private static final Duration SHORT_DELAY = Duration.ofMillis(100);

	private final AtomicBoolean breakerOpen = new AtomicBoolean();

	private final InFlightTracker inFlight = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	@Test
	void everyFreeSlotPollsAtOnceAndAFinishedMessageFreesOne() throws Exception {
		BatchAwareBackPressureHandler live = handler("live-0");
		for (int slot = 0; slot < 3; slot++) {
			assertThat(live.requestBatch()).as("slot %d", slot).isEqualTo(1);
		}
		CompletableFuture<Integer> fourth = request(live);
		live.release(1, ReleaseReason.PROCESSED);
		await().atMost(DELAY_BETWEEN_POLLS.dividedBy(4))
			.untilAsserted(() -> assertThat(fourth).isCompletedWithValue(1));
	}

	@Test
	void nothingIsGrantedWhileABreakerIsOpen() throws Exception {
		BatchAwareBackPressureHandler live = handler("live-0", SHORT_DELAY);
		this.breakerOpen.set(true);
		assertThat(live.requestBatch()).isZero();

		this.breakerOpen.set(false);
		assertThat(live.requestBatch()).isEqualTo(1);
	}

	@Test
	void theBulkQueueIsGrantedAPollOnlyAfterTheQuietPeriod() throws Exception {
		BatchAwareBackPressureHandler bulk = handler("bulk-0", SHORT_DELAY);
		BatchAwareBackPressureHandler live = handler("live-0", SHORT_DELAY);
		InFlightTracker.Held upload = this.inFlight.hold("upload", (seconds) -> CompletableFuture.completedFuture(null),
				InFlightTracker.Traffic.LIVE);
		assertThat(bulk.requestBatch()).isZero();
		assertThat(live.requestBatch()).isEqualTo(1);
		upload.close();
		assertThat(bulk.requestBatch()).as("within the quiet period").isZero();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(bulk.requestBatch()).isEqualTo(1));
	}

	private BatchAwareBackPressureHandler handler(String sourceId) {
		return handler(sourceId, DELAY_BETWEEN_POLLS);
	}

	private BatchAwareBackPressureHandler handler(String sourceId, Duration delayBetweenPolls) {
		SqsContainerOptions options = SqsContainerOptions.builder()
			.maxConcurrentMessages(3)
			.maxMessagesPerPoll(1)
			.maxDelayBetweenPolls(delayBetweenPolls)
			.build();
		CompositeBackPressureHandler handler = (CompositeBackPressureHandler) ListenerConfiguration
			.backPressure(this.breakerOpen::get, this.inFlight, Duration.ofMillis(500))
			.createBackPressureHandler(options);
		handler.setId(sourceId);
		return handler;
	}

	private static CompletableFuture<Integer> request(BatchAwareBackPressureHandler handler) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return handler.requestBatch();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
