package dev.imageworker.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM in the middle of a run: the worker stops polling, lets what it started finish
 * within the drain timeout and exits; a new worker takes the rest. Nothing that had
 * started is processed again, nothing is lost.
 */
@DrillTest
class ShutdownDrillIT {

	private static final Duration DRAIN = Duration.ofSeconds(30);

	@Test
	void sigtermDrainsAndExits() throws InterruptedException, IOException {
		int uploads = 100;
		try (Drill drill = new Drill("sigterm")) {
			WorkerProcess worker = drill.startWorker(drill.endpoint(), "image-worker.processing.drain-timeout",
					DRAIN.toSeconds() + "s");
			// Half of them medium-sized, so renders are in flight when the signal comes.
			Map<String, String> expected = drill.upload(uploads,
					(n) -> (n % 2 == 0) ? Drill.Upload.MEDIUM : Drill.Upload.mixed(n));
			drill.awaitSettled(expected, uploads / 5, worker);
			long settledAtSignal = drill.settled(expected);
			Duration exit = worker.terminate(DRAIN.plusSeconds(30));
			long settledAtExit = drill.settled(expected);
			String shutdownLine = Files.readAllLines(drill.log())
				.stream()
				.filter((line) -> line.contains("Shutdown: "))
				.reduce((first, second) -> second)
				.orElse("(no shutdown line)");
			System.out.println(shutdownLine);

			WorkerProcess successor = drill.startWorker(drill.endpoint());
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(3));
			successor.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format(
							"SIGTERM at %d/%d settled, exit after %.1f s (drain timeout %d s), %d settled by then",
							settledAtSignal, uploads, exit.toMillis() / 1000.0, DRAIN.toSeconds(), settledAtExit));
			assertThat(exit).as("exit after SIGTERM").isLessThan(DRAIN);
			assertThat(shutdownLine).contains("0 released for redelivery");
			assertThat(tally.duplicates()).as("started images processed again").isZero();
			assertThat(tally.missing()).as("lost").isZero();
			assertThat(tally.wrong()).isZero();
		}
	}

}
