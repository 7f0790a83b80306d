package dev.imageworker.drills;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the worker at random moments while it works through a batch, restarted each
 * time: nothing is lost, every image ends in its expected state, and the price is only
 * some repeated renders. CI: 60 uploads, one kill; {@code -Ddrill.scale=full}: 200
 * uploads, three kills.
 */
@DrillTest
class CrashDrillIT {

	@Test
	void killNineLosesNothing() throws InterruptedException {
		int uploads = Drill.full() ? 200 : 60;
		int kills = Drill.full() ? 3 : 1;
		try (Drill drill = new Drill("crash")) {
			WorkerProcess worker = drill.startWorker(drill.endpoint());
			Map<String, String> expected = drill.upload(uploads, Drill.Upload::mixed);
			List<String> moments = new ArrayList<>();
			for (int kill = 1; kill <= kills; kill++) {
				// A random point in the kill-th slice of the run, so kills spread over
				// it.
				double progress = (kill - 1 + ThreadLocalRandom.current().nextDouble(0.2, 0.8)) / (kills + 1);
				long target = Math.max(1, Math.round(uploads * progress));
				drill.awaitSettled(expected, target, worker);
				// The kill's random moment within a render or between two.
				Drill.sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(0, 400)));
				long settled = drill.settled(expected);
				worker.kill();
				moments.add(settled + "/" + uploads);
				worker = drill.startWorker(drill.endpoint());
			}
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(Drill.full() ? 8 : 3));
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally, "killed at " + String.join(", ", moments) + " settled");
			assertThat(tally.missing()).as("lost or stuck").isZero();
			assertThat(tally.wrong()).as("wrong final state").isZero();
			assertThat(tally.completed() + tally.failedAsExpected()).isEqualTo(uploads);
			assertThat(drill.backlog()).as("messages left on the queue").isZero();
		}
	}

}
