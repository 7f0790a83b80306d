package dev.imageworker.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.imageworker.support.ManualScheduler;
import dev.imageworker.support.TestProperties;
import io.awspring.cloud.sqs.listener.Visibility;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeat on a scheduler whose clock the test moves: every tick is seen, in no real
 * time.
 */
@ExtendWith(OutputCaptureExtension.class)
class VisibilityHeartbeatTests {

	private final ManualScheduler scheduler = new ManualScheduler();

	private final InFlightTracker inFlight = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	private final List<Integer> changes = new CopyOnWriteArrayList<>();

	private final Visibility visibility = recording(this.changes);

	@Test
	void extendsByTheQueuesTimeoutEveryThirdOfItWhileInFlight(CapturedOutput output) {
		VisibilityHeartbeat heartbeat = heartbeat(Duration.ofSeconds(3), Duration.ofMinutes(1));
		try (InFlightTracker.Held _ = hidden(heartbeat, "m1", this.visibility)) {
			this.scheduler.advance(Duration.ofMillis(999));
			assertThat(this.changes).isEmpty();
			this.scheduler.advance(Duration.ofMillis(1));
			assertThat(this.changes).containsExactly(3);
			// A second later, not at half the timeout.
			this.scheduler.advance(Duration.ofSeconds(1));
			assertThat(this.changes).containsExactly(3, 3);
		}
		this.scheduler.advance(Duration.ofMinutes(1));
		assertThat(this.changes).as("no extension once settled").containsExactly(3, 3);
		assertThat(this.scheduler.pending()).isZero();
		heartbeat.stop();
		assertThat(this.changes).as("a settled message is not in flight, so not released").containsExactly(3, 3);
		assertThat(output).contains("0 released for redelivery");
	}

	@Test
	void stopsExtendingAtTheJobTimeLimit(CapturedOutput output) {
		VisibilityHeartbeat heartbeat = heartbeat(Duration.ofSeconds(1), Duration.ofMillis(1200));
		try (InFlightTracker.Held _ = hidden(heartbeat, "m1", this.visibility)) {
			// Ticks every 333 ms: at 333, 666 and 999 ms within the limit, at 1332 past
			// it.
			this.scheduler.advance(Duration.ofMillis(1200));
			assertThat(this.changes).containsExactly(1, 1, 1);
			this.scheduler.advance(Duration.ofMinutes(1));
			assertThat(this.changes).containsExactly(1, 1, 1);
			assertThat(this.scheduler.pending()).as("the beat cancelled itself").isZero();
			assertThat(output).contains("WARN", "Message m1 in flight longer than the job time limit PT1.2S");
		}
	}

	@Test
	void warnsWithTheMessageIdWhenAnExtensionFails(CapturedOutput output) {
		VisibilityHeartbeat heartbeat = heartbeat(Duration.ofSeconds(1), Duration.ofMinutes(1));
		try (InFlightTracker.Held _ = hidden(heartbeat, "m-lost",
				(seconds) -> CompletableFuture.failedFuture(new IllegalStateException("receipt handle expired")))) {
			this.scheduler.advance(Duration.ofMillis(333));
			assertThat(output).contains("WARN", "m-lost", "receipt handle expired");
		}
	}

	@Test
	void stopReleasesWhatIsStillInFlight(CapturedOutput output) {
		List<Integer> finishedChanges = new CopyOnWriteArrayList<>();
		VisibilityHeartbeat heartbeat = heartbeat(Duration.ofSeconds(60), Duration.ofMinutes(2));
		heartbeat.start();
		hidden(heartbeat, "finished", recording(finishedChanges)).close();
		InFlightTracker.Held stuck = hidden(heartbeat, "stuck", this.visibility);
		heartbeat.stop();
		assertThat(this.changes).containsExactly(0);
		assertThat(finishedChanges).isEmpty();
		assertThat(output).contains("1 released for redelivery");
		assertThat(heartbeat.isRunning()).isFalse();
		assertThat(this.scheduler.isShutdown()).isTrue();

		heartbeat.stop();
		assertThat(this.changes).as("released once: nothing is left in flight").containsExactly(0);
		stuck.close();
		assertThat(this.inFlight.inFlight()).isZero();
		assertThat(this.inFlight.settled()).as("the finished one; the released one is not settled").isEqualTo(1);
	}

	@Test
	void countsWhatFinishesWhileDrainingAsDrained(CapturedOutput output) {
		VisibilityHeartbeat heartbeat = heartbeat(Duration.ofSeconds(60), Duration.ofMinutes(2));
		hidden(heartbeat, "before", this.visibility).close();
		InFlightTracker.Held draining = hidden(heartbeat, "draining", this.visibility);
		hidden(heartbeat, "stuck", this.visibility);
		this.scheduler.advance(Duration.ofSeconds(1));

		heartbeat.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
		draining.close();
		heartbeat.stop();

		assertThat(output).contains("1 messages finished while draining", "1 released for redelivery");
	}

	private VisibilityHeartbeat heartbeat(Duration visibilityTimeout, Duration limit) {
		return new VisibilityHeartbeat(this.inFlight, () -> visibilityTimeout, limit, this.scheduler,
				this.scheduler::nanoTime);
	}

	private InFlightTracker.Held hidden(VisibilityHeartbeat heartbeat, String messageId, Visibility visibility) {
		InFlightTracker.Held held = this.inFlight.hold(messageId, visibility, InFlightTracker.Traffic.LIVE);
		heartbeat.keepHidden(held);
		return held;
	}

	private static Visibility recording(List<Integer> changes) {
		return (seconds) -> {
			changes.add(seconds);
			return CompletableFuture.completedFuture(null);
		};
	}

}
