package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.imageworker.support.Dockerfile;
import dev.imageworker.support.ExternalToolTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile: valid syntax (dockerfile-utils), pinned bases, layered jar in cache
 * order, an AOT cache trained for the jar and flags the ENTRYPOINT runs, numeric non-root
 * user, JVM sized from the container by the flags of its argument file.
 */
class DockerfileTests {

	private static final Path DOCKERFILE = Path.of("Dockerfile");

	private static final Path JVM_ARGS = Path.of("src", "main", "jvm", "jvm.args");

	private final String dockerfile = read(DOCKERFILE);

	private final List<String> instructions = Dockerfile.read(DOCKERFILE).lines();

	private final List<String> jvmFlags = jvmFlags(read(JVM_ARGS));

	@Test
	@ExternalToolTest
	void lintsClean() throws IOException, InterruptedException {
		Process lint = new ProcessBuilder(linter()).redirectErrorStream(true).start();
		String output = new String(lint.getInputStream().readAllBytes());
		assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();

		assertThat(lint.exitValue()).as("dockerfile-utils lint:%n%s", output).isZero();
	}

	@Test
	void everyBaseImageIsPinnedToAVersion() {
		List<String> bases = this.instructions.stream()
			.filter((line) -> line.startsWith("FROM "))
			.map((line) -> line.split("\\s+")[1])
			.toList();

		assertThat(bases).hasSizeGreaterThanOrEqualTo(2)
			.allMatch((image) -> image.matches("eclipse-temurin:\\d+\\.\\d+\\.\\d+[_.]\\d+-j(re|dk)-\\w+"),
					"eclipse-temurin with a full version tag");
		assertThat(bases.getLast()).as("runtime image").contains(":25.").contains("-jre-");
	}

	@Test
	void runsAsANumericNonRootUser() {
		List<String> users = this.instructions.stream().filter((line) -> line.startsWith("USER ")).toList();

		assertThat(users).isNotEmpty();
		assertThat(users.getLast()).matches("USER [1-9]\\d*(:\\d+)?");
	}

	@Test
	void copiesTheLayersLeastChangingFirst() {
		Matcher copies = Pattern.compile("COPY --from=\\S+ \\S*/extracted/([\\w-]+)/").matcher(this.dockerfile);
		List<String> layers = copies.results().map((match) -> match.group(1)).toList();

		assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
				"application");
		assertThat(Dockerfile.runs(Dockerfile.read(DOCKERFILE).stage("extract")))
			.as("the layers extracted as plain jars on the class path, which an AOT cache requires")
			.containsExactly("java -Djarmode=tools -jar app.jar extract --layers --destination extracted");
		assertThat(this.instructions).noneMatch((line) -> line.contains("--launcher") || line.contains("JarLauncher"));
	}

	@Test
	void entrypointRunsTheLayeredJarWithItsAotCacheAndTheFlagsOfTheArgumentFile() {
		assertThat(Dockerfile.read(DOCKERFILE).entrypoint()).containsExactly("java", "-XX:AOTCache=/app/app.aot",
				"@/app/jvm.args", "-jar", "/app/app.jar");
		assertThat(this.instructions).as("jvm.args copied to /app")
			.containsSubsequence("WORKDIR /app", "COPY src/main/jvm/jvm.args ./");
		assertThat(read(Path.of(".dockerignore"))).as("src/main in the build context").contains("!src/");
	}

	/**
	 * The cache holds only for the JVM, class path and flags it was trained with: the
	 * training runs on the runtime image after every layer is in place, with the
	 * ENTRYPOINT's jar and argument file, and writes the file the ENTRYPOINT reads.
	 */
	@Test
	void theTrainingRunWritesTheCacheTheEntrypointReadsForTheSameJarAndFlags() {
		Dockerfile image = Dockerfile.read(DOCKERFILE);
		List<String> entrypoint = image.entrypoint();
		List<String> trainings = Dockerfile.runs(image.finalStage())
			.stream()
			.filter((run) -> run.contains("-XX:AOTCacheOutput="))
			.toList();
		assertThat(trainings).as("one training run, on the runtime image").hasSize(1);
		List<String> training = List.of(trainings.getFirst().split("\\s+"));
		List<String> java = training.subList(training.indexOf("java"), training.size());

		assertThat(option(java, "-XX:AOTCacheOutput=")).isEqualTo(option(entrypoint, "-XX:AOTCache="));
		assertThat(java).as("the ENTRYPOINT's argument file and jar")
			.contains(entrypoint.get(entrypoint.indexOf("-jar") - 1))
			.containsSubsequence("-jar", entrypoint.get(entrypoint.indexOf("-jar") + 1));
		assertThat(java).as("a run that ends after the context's refresh, before the listener starts")
			.containsSubsequence("-Dspring.context.exit=onRefresh", "-jar");
		assertThat(option(java, "-XX:MaxRAM=")).as("a container's memory: compressed oops as in the container")
			.matches("[1-9]\\d*[gm]");
		assertThat(this.instructions.indexOf("RUN " + trainings.getFirst()))
			.as("after the last layer is copied, before the ENTRYPOINT")
			.isGreaterThan(lastIndexOf("COPY "))
			.isLessThan(lastIndexOf("ENTRYPOINT "));
		assertThat(this.jvmFlags).as("jvm.args, which the drills use with other layouts, names no cache")
			.noneMatch((flag) -> flag.contains("AOT"));
	}

	@Test
	void theJvmAcceptsTheArgumentFile() throws IOException, InterruptedException {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process jvm = new ProcessBuilder(java.toString(), "@" + JVM_ARGS, "-XX:+PrintCommandLineFlags", "-version")
			.redirectErrorStream(true)
			.start();
		String output = new String(jvm.getInputStream().readAllBytes());
		assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();

		assertThat(jvm.exitValue()).as("java @jvm.args -version:%n%s", output).isZero();
		assertThat(output).contains("-XX:+UseSerialGC").contains("-XX:TieredStopAtLevel=1");
	}

	@Test
	void jvmIsSizedFromTheContainerAndDiesOnOutOfMemory() {
		assertThat(this.jvmFlags)
			.contains("-XX:MaxRAMPercentage=35.0", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
			.noneMatch((flag) -> flag.startsWith("-Xmx"))
			.as("the whole heap from the start, so the young generation does not start tiny")
			.contains("-XX:InitialRAMPercentage=35.0");
	}

	@Test
	void jvmMemoryBesideTheHeapIsBoundedForA512MibContainer() {
		assertThat(this.jvmFlags)
			.contains("-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m",
					"-XX:MaxDirectMemorySize=32m", "-Xss512k", "--enable-native-access=ALL-UNNAMED")
			.as("C1 only: no C2 compiler arenas, a smaller code cache")
			.contains("-XX:TieredStopAtLevel=1")
			.as("methods called once per image compiled within the first images")
			.contains("-XX:CompileThresholdScaling=0.1")
			.as("no full collection for the metadata and code the worker keeps")
			.contains("-XX:MetaspaceSize=100m", "-XX:SweeperThreshold=100");
		assertThat(this.instructions).filteredOn((line) -> line.startsWith("ENV "))
			.as("glibc malloc arenas bounded")
			.anyMatch((line) -> line.matches(".*\\bMALLOC_ARENA_MAX=2\\b.*"))
			.as("large native buffers returned to the system when freed")
			.anyMatch((line) -> line.matches(".*\\bMALLOC_MMAP_THRESHOLD_=1048576\\b.*"))
			.as("those buffers mapped with transparent huge pages")
			.anyMatch((line) -> line.matches(".*\\bGLIBC_TUNABLES=glibc\\.malloc\\.hugetlb=1\\b.*"));
	}

	@Test
	void installsLibvipsAndNoHealthCheck() {
		assertThat(this.dockerfile).contains("libvips42").doesNotContain("HEALTHCHECK");
	}

	/**
	 * Recommends are off, and libheif only recommends the plugins that encode and decode:
	 * without them the image could neither write AVIF nor read AVIF or HEIC.
	 */
	@Test
	void installsTheHeifCodecsForAvifAndHeicWithoutRecommends() {
		List<String> installs = Dockerfile.runs(Dockerfile.read(DOCKERFILE).finalStage())
			.stream()
			.flatMap((run) -> Stream.of(run.split("&&|\\|\\||;")))
			.map(String::strip)
			.filter((command) -> command.startsWith("apt-get install") || command.startsWith("(apt-get install"))
			.toList();

		assertThat(installs).isNotEmpty().allMatch((command) -> command.contains("--no-install-recommends"));
		assertThat(installs.stream().flatMap((command) -> Stream.of(command.split("\\s+"))))
			.as("AVIF encoding, AVIF decoding, HEIC decoding")
			.contains("libheif-plugin-aomenc", "libheif-plugin-libde265")
			.containsAnyOf("libheif-plugin-dav1d", "libheif-plugin-aomdec");
	}

	@Test
	void buildContextLeavesOutBuildOutput() {
		assertThat(read(Path.of(".dockerignore"))).contains("*").doesNotContain("!target");
	}

	/**
	 * Installed by CI ({@code npm install -g}); npx fetches it on a developer machine.
	 */
	private static List<String> linter() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, "dockerfile-utils"))) {
				return List.of("dockerfile-utils", "lint", DOCKERFILE.toString());
			}
		}
		return List.of("npx", "--yes", "dockerfile-utils@0.16.3", "lint", DOCKERFILE.toString());
	}

	/** The arguments of a {@code java @argfile}: one a line here, comments dropped. */
	private static List<String> jvmFlags(String argfile) {
		return argfile.lines().map(String::strip).filter((line) -> !line.isEmpty() && !line.startsWith("#")).toList();
	}

	/** The value of the option that starts with the prefix, which must be there once. */
	private static String option(List<String> command, String prefix) {
		List<String> values = command.stream()
			.filter((argument) -> argument.startsWith(prefix))
			.map((argument) -> argument.substring(prefix.length()))
			.toList();
		assertThat(values).as(prefix + " in " + command).hasSize(1);
		return values.getFirst();
	}

	private int lastIndexOf(String instructionPrefix) {
		int last = -1;
		for (int line = 0; line < this.instructions.size(); line++) {
			if (this.instructions.get(line).startsWith(instructionPrefix)) {
				last = line;
			}
		}
		return last;
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
