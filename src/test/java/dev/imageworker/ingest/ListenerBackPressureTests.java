package dev.imageworker.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.imageworker.support.TestProperties;
import io.awspring.cloud.sqs.config.SqsMessageListenerContainerFactory;
import io.awspring.cloud.sqs.listener.SqsContainerOptions;
import io.awspring.cloud.sqs.listener.SqsMessageListenerContainer;
import io.awspring.cloud.sqs.listener.acknowledgement.handler.AcknowledgementMode;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler.ReleaseReason;
import io.awspring.cloud.sqs.listener.backpressure.BatchAwareBackPressureHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gates of the live queue's container and of the bulk queue's, as the containers'
 * options carry them.
 */
class ListenerBackPressureTests {

	private static final Duration DELAY_BETWEEN_POLLS = Duration.ofSeconds(10);

	/** For the gate's refusals, which wait out the delay between polls. */
	private static final Duration SHORT_DELAY = Duration.ofMillis(100);

	private final AtomicBoolean breakerOpen = new AtomicBoolean();

	private final InFlightTracker inFlight = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	@Test
	void everyFreeSlotPollsAtOnceAndAFinishedMessageFreesOne() throws Exception {
		BatchAwareBackPressureHandler live = live(DELAY_BETWEEN_POLLS);
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
		BatchAwareBackPressureHandler live = live(SHORT_DELAY);
		BatchAwareBackPressureHandler bulk = bulk(SHORT_DELAY);
		this.breakerOpen.set(true);
		assertThat(live.requestBatch()).isZero();
		assertThat(bulk.requestBatch()).isZero();

		this.breakerOpen.set(false);
		assertThat(live.requestBatch()).isEqualTo(1);
		assertThat(bulk.requestBatch()).isEqualTo(1);
	}

	@Test
	void theBulkQueueIsGrantedAPollOnlyAfterTheQuietPeriod() throws Exception {
		BatchAwareBackPressureHandler bulk = bulk(SHORT_DELAY);
		BatchAwareBackPressureHandler live = live(SHORT_DELAY);
		InFlightTracker.Held upload = hold(InFlightTracker.Traffic.LIVE);
		assertThat(bulk.requestBatch()).isZero();
		assertThat(live.requestBatch()).isEqualTo(1);
		upload.close();
		assertThat(bulk.requestBatch()).as("within the quiet period").isZero();

		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(bulk.requestBatch()).isEqualTo(1));
	}

	@Test
	void aBulkPollWaitingForItsSlotAsksTheGateOnceTheSlotFrees() throws Exception {
		BatchAwareBackPressureHandler bulk = bulk(Duration.ofSeconds(1));
		for (int slot = 0; slot < 3; slot++) {
			assertThat(bulk.requestBatch()).as("slot %d", slot).isEqualTo(1);
		}
		CompletableFuture<Integer> fourth = request(bulk);
		// Asked now, the gate would grant: the worker has been quiet.
		Thread.sleep(100);
		hold(InFlightTracker.Traffic.LIVE);
		bulk.release(1, ReleaseReason.PROCESSED);

		assertThat(fourth.get(5, TimeUnit.SECONDS)).as("live uploads resumed while it waited").isZero();
	}

	@Test
	void aBulkMessageInFlightHoldsBackNeitherQueue() throws Exception {
		BatchAwareBackPressureHandler bulk = bulk(SHORT_DELAY);
		BatchAwareBackPressureHandler live = live(SHORT_DELAY);
		hold(InFlightTracker.Traffic.BULK);

		assertThat(live.requestBatch()).isEqualTo(1);
		assertThat(bulk.requestBatch()).isEqualTo(1);
	}

	@Test
	void theBulkContainerKeepsWhatTheFactoryGivesEveryContainer() {
		SqsMessageListenerContainerFactory<Object> factory = factory(SHORT_DELAY);
		factory.configure((options) -> options.acknowledgementMode(AcknowledgementMode.MANUAL)
			.pollTimeout(Duration.ofSeconds(7)));

		SqsContainerOptions live = factory.createContainer("live").getContainerOptions();
		SqsContainerOptions bulk = bulkFactory(factory).createContainer("bulk").getContainerOptions();

		assertThat(bulk.getAcknowledgementMode()).isEqualTo(AcknowledgementMode.MANUAL);
		assertThat(bulk.getPollTimeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(bulk.getMaxDelayBetweenPolls()).isEqualTo(SHORT_DELAY);
		assertThat(bulk.getBackPressureHandlerFactory()).as("a gate of its own")
			.isNotSameAs(live.getBackPressureHandlerFactory());
	}

	private BatchAwareBackPressureHandler live(Duration delayBetweenPolls) {
		return handler(factory(delayBetweenPolls).createContainer("live"));
	}

	private BatchAwareBackPressureHandler bulk(Duration delayBetweenPolls) {
		return handler(bulkFactory(factory(delayBetweenPolls)).createContainer("bulk"));
	}

	private BulkContainerFactory bulkFactory(SqsMessageListenerContainerFactory<Object> factory) {
		return new BulkContainerFactory(factory, this.breakerOpen::get, this.inFlight, Duration.ofMillis(500));
	}

	/** The live containers' factory, as the application configures it. */
	private SqsMessageListenerContainerFactory<Object> factory(Duration delayBetweenPolls) {
		SqsMessageListenerContainerFactory<Object> factory = new SqsMessageListenerContainerFactory<>();
		factory.setSqsAsyncClient(new UnusedClient());
		factory.configure((options) -> options.maxConcurrentMessages(3)
			.maxMessagesPerPoll(1)
			.maxDelayBetweenPolls(delayBetweenPolls)
			.backPressureHandlerFactory(ListenerConfiguration.backPressure(this.breakerOpen::get)));
		return factory;
	}

	private static BatchAwareBackPressureHandler handler(SqsMessageListenerContainer<Object> container) {
		SqsContainerOptions options = container.getContainerOptions();
		return (BatchAwareBackPressureHandler) options.getBackPressureHandlerFactory()
			.createBackPressureHandler(options);
	}

	private InFlightTracker.Held hold(InFlightTracker.Traffic traffic) {
		return this.inFlight.hold(traffic.name(), (seconds) -> CompletableFuture.completedFuture(null), traffic);
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

	/** Containers are made, never started. */
	private static final class UnusedClient implements SqsAsyncClient {

		@Override
		public String serviceName() {
			return SERVICE_NAME;
		}

		@Override
		public void close() {
		}

	}

}
