package dev.imageworker.drills;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.imageworker.support.DrillTest;
import dev.imageworker.support.FaultProxy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AWS endpoint disappears mid-run and comes back: the worker stays live, reports
 * itself not ready while the queue is out of reach, backs off, and finishes the batch by
 * itself afterwards, with nothing dead-lettered because of the outage. CI: 15 s outage;
 * {@code -Ddrill.scale=full}: 60 s.
 */
@DrillTest
class OutageDrillIT {

	@Test
	void workerRidesOutAnOutage() throws Exception {
		int uploads = Drill.full() ? 200 : 60;
		Duration outage = Duration.ofSeconds(Drill.full() ? 60 : 15);
		try (Drill drill = new Drill("outage"); FaultProxy proxy = new FaultProxy(drill.endpoint())) {
			WorkerProcess worker = drill.startWorker(proxy.endpoint());
			Map<String, String> expected = drill.upload(uploads,
					(n) -> (n % 5 == 0) ? Drill.Upload.MEDIUM : Drill.Upload.SMALL);
			drill.awaitSettled(expected, uploads / 5, worker);
			proxy.disconnect();
			long start = System.nanoTime();
			Map<Integer, Integer> liveness = new TreeMap<>();
			Map<Integer, Integer> readiness = new TreeMap<>();
			while (System.nanoTime() - start < outage.toNanos()) {
				liveness.merge(worker.status("/livez"), 1, Integer::sum);
				readiness.merge(worker.status("/readyz"), 1, Integer::sum);
				// The outage lasts its length, sampled every second.
				Drill.sleep(Duration.ofSeconds(1));
			}
			int refused = proxy.refused();
			proxy.reconnect();
			long restored = System.nanoTime();
			worker.awaitStatus("/readyz", 200, Duration.ofSeconds(60));
			Duration readyAgain = Duration.ofNanos(System.nanoTime() - restored);
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(4));
			boolean alive = worker.isAlive();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format(
							"outage %d s: liveness %s, readiness %s (HTTP status: samples), %d connections refused "
									+ "(%.1f/s), ready again %.1f s after restore",
							outage.toSeconds(), liveness, readiness, refused, refused / (double) outage.toSeconds(),
							readyAgain.toMillis() / 1000.0));
			assertThat(alive).as("worker survived the outage").isTrue();
			assertThat(liveness).as("liveness during the outage").containsOnlyKeys(200);
			assertThat(readiness).as("readiness during the outage").containsKey(503);
			assertThat(refused / (double) outage.toSeconds()).as("connection attempts per second").isLessThan(50);
			assertThat(tally.missing()).as("lost").isZero();
			assertThat(tally.wrong()).as("failed because of the outage").isZero();
			assertThat(tally.deadLetters()).as("dead-lettered because of the outage").isZero();
		}
	}

}
