package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The scripts under {@code deploy/ecs}: shellcheck finds nothing, and each is executable.
 * {@code CloudFormationStackIT} runs them against the local AWS.
 */
class DeployScriptsTests {

	@Test
	void shellcheckFindsNothing() throws IOException, InterruptedException {
		assumeThat(onPath("shellcheck")).as("shellcheck on PATH (apt-get install shellcheck; .ci/run installs it)")
			.isTrue();
		List<String> command = new ArrayList<>(List.of("shellcheck", "--severity=style"));
		command.addAll(scripts().stream().map(Path::toString).toList());
		Process lint = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(lint.getInputStream().readAllBytes());
		assertThat(lint.waitFor(60, TimeUnit.SECONDS)).isTrue();

		assertThat(lint.exitValue()).as("shellcheck:%n%s", output).isZero();
	}

	@Test
	void everyScriptIsExecutable() throws IOException {
		assertThat(scripts()).extracting(Path::toString)
			.contains("deploy/ecs/apply.sh", "deploy/ecs/push-image.sh", "deploy/ecs/task-definition.sh");
		assertThat(scripts()).allMatch(Files::isExecutable, "executable");
	}

	private static List<Path> scripts() throws IOException {
		try (Stream<Path> files = Files.list(EcsFiles.DIRECTORY)) {
			return files.filter((file) -> file.toString().endsWith(".sh")).sorted().toList();
		}
	}

	private static boolean onPath(String command) {
		return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
			.anyMatch((dir) -> Files.isExecutable(Path.of(dir, command)));
	}

}
