package dev.imageworker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imageworker.drills.WorkerProcess;
import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The local run ({@link TestImageWorkerApplication}) stopped as a terminal stops it:
 * Ctrl-C signals the whole foreground job, the worker's JVM and the moto_server it
 * started. The worker stops polling before its local AWS goes away, so stopping prints no
 * error, and the local AWS does not outlive it.
 */
@DrillTest
class LocalRunIT {

	/** Runs the command after it in a new session, as a terminal runs a job. */
	private static final String NEW_JOB = "import os, sys; os.setsid(); os.execvp(sys.argv[1], sys.argv[1:])";

	private static final Pattern MOTO_PORT = Pattern.compile("moto_server on 127\\.0\\.0\\.1:(\\d+)");

	@Test
	void ctrlCStopsTheWorkerBeforeItsLocalAwsAndPrintsNoError() throws Exception {
		Path log = Files.createTempFile("local-run-", ".log");
		// A short poll keeps the stop short; a poll is in flight at every moment all the
		// same, and one sent to a local AWS that is gone fails with an ERROR.
		Process run = new ProcessBuilder("python3", "-c", NEW_JOB, WorkerProcess.java(),
				"--enable-native-access=ALL-UNNAMED", "-Dlocal-aws=moto", "-cp", System.getProperty("java.class.path"),
				TestImageWorkerApplication.class.getName(), "--server.port=0", "--management.server.port=0",
				"--spring.cloud.aws.sqs.listener.poll-timeout=2s")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			await("the samples' summary, see " + log).atMost(Duration.ofMinutes(3))
				.until(() -> !run.isAlive() || Files.readString(log).contains("Ctrl-C stops."));
			String started = Files.readString(log);
			Matcher moto = MOTO_PORT.matcher(started);
			assertThat(moto.find()).as("the local AWS, in %s", log).isTrue();
			int motoPort = Integer.parseInt(moto.group(1));

			ctrlC(run);

			assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("stopped, see %s", log).isTrue();
			String stopping = Files.readString(log).substring(started.length());
			assertThat(stopping).contains("Shutdown: polling stopped").doesNotContain(" ERROR ");
			assertThat(listening(motoPort)).as("moto_server still listening").isFalse();
			Files.delete(log);
		}
		finally {
			run.destroyForcibly();
		}
	}

	/** SIGINT to the job's process group, as a terminal sends it. */
	private static void ctrlC(Process job) throws IOException, InterruptedException {
		Process kill = new ProcessBuilder("kill", "-INT", "--", "-" + job.pid()).inheritIO().start();
		assertThat(kill.waitFor()).as("kill -INT exit code").isZero();
	}

	private static boolean listening(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
			return true;
		}
		catch (IOException refused) {
			return false;
		}
	}

}
