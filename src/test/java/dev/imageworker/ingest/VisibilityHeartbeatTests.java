package dev.imageworker.ingest;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.awspring.cloud.sqs.listener.Visibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(OutputCaptureExtension.class)
class VisibilityHeartbeatTests {

	private final List<Integer> changes = new CopyOnWriteArrayList<>();

	private final Visibility visibility = (seconds) -> {
		this.changes.add(seconds);
		return CompletableFuture.completedFuture(null);
	};

	@Test
	void extendsByTheQueuesTimeoutEveryThirdOfItWhileInFlight() throws InterruptedException {
		VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(() -> Duration.ofSeconds(3), Duration.ofMinutes(1));
		long started = System.nanoTime();
		try (VisibilityHeartbeat.Beat _ = heartbeat.start("m1", this.visibility)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.changes.size() >= 2);
			// Two ticks a second apart; at half the timeout they would take 3 s.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(2900));
			assertThat(heartbeat.inFlight()).isEqualTo(1);
		}
		int afterClose = this.changes.size();
		Thread.sleep(2500);
		assertThat(this.changes).hasSize(afterClose).containsOnly(3);
		assertThat(heartbeat.inFlight()).isZero();
	}

	@Test
	void stopsExtendingAtTheJobTimeLimit() throws InterruptedException {
		VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(() -> Duration.ofSeconds(1), Duration.ofMillis(1200));
		try (VisibilityHeartbeat.Beat _ = heartbeat.start("m1", this.visibility)) {
			Thread.sleep(3500);
		}
		assertThat(this.changes).hasSizeBetween(2, 4);
	}

	@Test
	void warnsWithTheMessageIdWhenAnExtensionFails(CapturedOutput output) {
		VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(() -> Duration.ofSeconds(1), Duration.ofMinutes(1));
		try (VisibilityHeartbeat.Beat _ = heartbeat.start("m-lost",
				(seconds) -> CompletableFuture.failedFuture(new IllegalStateException("receipt handle expired")))) {
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(output).contains("WARN", "m-lost", "receipt handle expired"));
		}
	}

	@Test
	void stopReleasesWhatIsStillInFlight() {
		VisibilityHeartbeat heartbeat = new VisibilityHeartbeat(() -> Duration.ofSeconds(60), Duration.ofMinutes(2));
		heartbeat.start();
		heartbeat.start("finished", (seconds) -> CompletableFuture.failedFuture(new AssertionError("finished")))
			.close();
		heartbeat.start("stuck", this.visibility);
		heartbeat.stop();
		assertThat(this.changes).containsExactly(0);
		assertThat(heartbeat.inFlight()).isZero();
		assertThat(heartbeat.isRunning()).isFalse();
	}

}
