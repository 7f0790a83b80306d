package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.imageworker.drills.LocalImage;
import dev.imageworker.drills.WorkerProcess;
import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AOT cache the Dockerfile's training run writes is one the JVM can use: trained here
 * from the packaged jar by the Dockerfile's own steps ({@link LocalImage}), the worker
 * started as the ENTRYPOINT starts it, with {@code -XX:AOTMode=on}, which refuses to
 * start on a cache that does not fit the JVM, the class path or the flags, gets through
 * its context refresh with its own classes taken from the cache.
 */
@DrillTest
class AotCacheIT {

	private static final Path ROOT = Path.of("target", "aot-cache-it");

	@Test
	void theWorkerStartsWithTheCacheItsImageTrains() throws IOException, InterruptedException {
		LocalImage image = LocalImage.build(ROOT, Path.of("Dockerfile"));
		WorkerProcess.Launch entrypoint = image.entrypoint();
		Path classLoading = ROOT.toAbsolutePath().resolve("class-load.log");
		Path log = ROOT.toAbsolutePath().resolve("worker.log");

		List<String> command = new ArrayList<>(List.of(WorkerProcess.java()));
		command.addAll(entrypoint.leadingOptions());
		command.addAll(List.of("-XX:AOTMode=on", "-Xlog:class+load=info:file=" + classLoading,
				"@" + WorkerProcess.JVM_ARGS, "-Dspring.context.exit=onRefresh"));
		command.addAll(entrypoint.application());
		command.add("--spring.cloud.aws.endpoint=http://127.0.0.1:9");
		ProcessBuilder builder = new ProcessBuilder(command).directory(entrypoint.directory().toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(image.environment());
		builder.environment()
			.putAll(java.util.Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY",
					"test"));
		Process worker = builder.start();
		assertThat(worker.waitFor(2, TimeUnit.MINUTES)).as("the worker exits after its refresh").isTrue();

		assertThat(worker.exitValue()).as("exit value, see %s", log).isZero();
		assertThat(entrypoint.leadingOptions()).anyMatch((option) -> option.startsWith("-XX:AOTCache="));
		assertThat(Files.readString(classLoading))
			.contains("dev.imageworker.ImageWorkerApplication source: shared objects file")
			.contains("dev.imageworker.pipeline.ImagePipeline source: shared objects file");
	}

}
