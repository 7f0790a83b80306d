package dev.imageworker.drills;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.imageworker.support.Loopback;
import dev.imageworker.support.PeakRss;
import org.awaitility.Awaitility;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged worker jar running as a separate process, as in a container: the image's
 * JVM flags ({@code src/main/jvm/jvm.args}) and malloc environment, a memory limit (512
 * MiB for the drills, the task definition's for the benchmarks), its output in a log
 * file. Killing it is as real as it gets. The drills and the benchmarks use it; the
 * cold-start benchmark also starts the image's own layout and AOT cache
 * ({@link LocalImage}) through a {@link Launch}.
 */
public final class WorkerProcess implements AutoCloseable {

	/** Where the build put the jar and the image's JVM flags, as Maven filtered them. */
	private static final Properties BUILD = buildProperties();

	static final Path JAR = Path.of(BUILD.getProperty("jar"));

	/** The argument file of the image's JVM flags, which the Dockerfile copies. */
	public static final Path JVM_ARGS = Path.of(BUILD.getProperty("jvm-args"));

	/**
	 * Patience, not a limit the drills assert: a start takes seconds, and minutes on a
	 * machine loaded by others.
	 */
	private static final Duration STARTUP = Duration.ofMinutes(3);

	/**
	 * The drills' container memory limit, the chart's. There is no cgroup limit here, so
	 * {@code -XX:MaxRAM} makes the JVM (and the worker's memory budget) size itself from
	 * it as it would in the container; {@code -Ddrill.memory} tries another.
	 */
	static final String CONTAINER_MEMORY = System.getProperty("drill.memory", "512m");

	/**
	 * The CPUs the worker may run on ({@code taskset -c}), as a container with that many
	 * cores sees them, from {@code -Ddrill.cpus} ({@code 0}, {@code 0-1}); every CPU of
	 * the host by default.
	 */
	static final String CPUS = System.getProperty("drill.cpus", "");

	/**
	 * The image's JVM flags, as the argument file that holds them, so the drills run the
	 * jar as the image does; {@code -Ddrill.jvm-options} replaces them to try others.
	 */
	static final List<String> JVM_OPTIONS = jvmOptions();

	/**
	 * The Dockerfile's environment that shapes native memory: glibc's malloc settings.
	 */
	static final Map<String, String> ENVIRONMENT = dockerfileMallocEnvironment();

	private final Process process;

	private final int port;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Instant started;

	private long peakRssKib;

	private WorkerProcess(Process process, int port, Path log, Instant started) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.started = started;
	}

	/**
	 * Starts the jar with the given Spring properties and waits until it is ready.
	 */
	public static WorkerProcess start(Map<String, String> properties, Path log) {
		return start(properties, List.of(), log);
	}

	/**
	 * Starts the jar with the given Spring properties and JVM options after the image's,
	 * and waits until it is ready.
	 */
	public static WorkerProcess start(Map<String, String> properties, List<String> jvmOptions, Path log) {
		return start(properties, jvmOptions, CONTAINER_MEMORY, log);
	}

	/**
	 * Starts the jar as in a container with the given memory limit ({@code 2048m}), with
	 * the given Spring properties and JVM options after the image's, and waits until it
	 * is ready.
	 */
	public static WorkerProcess start(Map<String, String> properties, List<String> jvmOptions, String memory,
			Path log) {
		return start(Launch.packagedJar(), properties, jvmOptions, memory, log);
	}

	/**
	 * Starts the worker as the launch says, as in a container with the given memory
	 * limit, with the given Spring properties and JVM options after the image's, and
	 * waits until it is ready.
	 */
	public static WorkerProcess start(Launch launch, Map<String, String> properties, List<String> jvmOptions,
			String memory, Path log) {
		WorkerProcess worker = spawn(launch, properties, jvmOptions, memory, log);
		worker.awaitStatus("/readyz", 200, STARTUP);
		return worker;
	}

	/**
	 * Starts the worker as {@link #start(Launch, Map, List, String, Path)} does without
	 * waiting for it: the cold-start benchmark times the start itself.
	 */
	public static WorkerProcess spawn(Launch launch, Map<String, String> properties, List<String> jvmOptions,
			String memory, Path log) {
		int port = Loopback.freePort();
		List<String> command = new ArrayList<>(CPUS.isEmpty() ? List.of() : List.of("taskset", "-c", CPUS));
		command.addAll(List.of(java(), "-XX:MaxRAM=" + memory));
		command.addAll(launch.leadingOptions());
		command.addAll(JVM_OPTIONS);
		command.addAll(jvmOptions);
		command.addAll(launch.application());
		command.addAll(List.of("--server.port=" + port, "--management.server.port=" + Loopback.freePort()));
		// A worker that provisions what it needs, unless the caller provisioned already.
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("image-worker.provision", "true");
		settings.put("management.cloudwatch.metrics.export.enabled", "false");
		settings.putAll(properties);
		settings.forEach((name, value) -> command.add("--" + name + "=" + value));
		try {
			Files.createDirectories(log.toAbsolutePath().getParent());
			ProcessBuilder builder = new ProcessBuilder(command).directory(launch.directory().toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile()));
			builder.environment().putAll(ENVIRONMENT);
			Instant started = Instant.now();
			Process process = builder.start();
			// A failed drill must not leave a worker running.
			Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "drill-worker-stop"));
			return new WorkerProcess(process, port, log, started);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * How the JVM is pointed at the worker: the directory it runs in, its options before
	 * the image's flags (an AOT cache), and what it runs ({@code -jar} and a jar, or a
	 * class path and a main class). The image's flags go between, as the argument file or
	 * {@code -Ddrill.jvm-options}.
	 */
	public record Launch(Path directory, List<String> leadingOptions, List<String> application) {

		public Launch {
			leadingOptions = List.copyOf(leadingOptions);
			application = List.copyOf(application);
		}

		/** The packaged jar, as the drills run it. */
		public static Launch packagedJar() {
			return new Launch(Path.of("").toAbsolutePath(), List.of(), List.of("-jar", jar().toString()));
		}

		/** This launch without the leading options that start with the prefix. */
		public Launch without(String optionPrefix) {
			return new Launch(this.directory,
					this.leadingOptions.stream().filter((option) -> !option.startsWith(optionPrefix)).toList(),
					this.application);
		}

		/** This launch with another leading option. */
		public Launch with(String option) {
			List<String> options = new ArrayList<>(this.leadingOptions);
			options.add(option);
			return new Launch(this.directory, options, this.application);
		}

	}

	/** The packaged jar, which must have been built. */
	public static Path jar() {
		if (!Files.isRegularFile(JAR)) {
			throw new IllegalStateException(JAR + " is missing: run ./mvnw -DskipTests package first");
		}
		return JAR;
	}

	/**
	 * The memory limit of the worker's container in the ECS task definition
	 * ({@code ecs-task-def.json}), as {@code -XX:MaxRAM} takes it: {@code 2048m}.
	 */
	public static String taskDefinitionMemory() {
		try {
			JsonNode taskDefinition = JsonMapper.shared().readTree(Path.of(BUILD.getProperty("task-definition")));
			return taskDefinition.required("memory").asString() + "m";
		}
		catch (JacksonException ex) {
			throw new IllegalStateException("no memory in " + BUILD.getProperty("task-definition"), ex);
		}
	}

	public long pid() {
		return this.process.pid();
	}

	/** The instant just before the process was started, on this host's clock. */
	public Instant started() {
		return this.started;
	}

	/** Whether the readiness probe answers 200 now. */
	public boolean isReady() {
		return status("/readyz") == 200;
	}

	public Path log() {
		return this.log;
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** kill -9: no shutdown hook, no drain, no acknowledgement flush. */
	public void kill() throws InterruptedException {
		sampleRss();
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	/**
	 * SIGTERM, as ECS and Kubernetes send it.
	 * @return how long the process took to exit
	 */
	public Duration terminate(Duration patience) throws InterruptedException {
		sampleRss();
		long start = System.nanoTime();
		this.process.destroy();
		if (!this.process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		return Duration.ofNanos(System.nanoTime() - start);
	}

	int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * The peak resident set size so far (VmHWM), as the container's memory limit sees it;
	 * sampled again on every call while the process lives.
	 */
	public long peakRssKib() {
		sampleRss();
		return this.peakRssKib;
	}

	private void sampleRss() {
		// Once the process is gone, the last sample stands.
		this.peakRssKib = Math.max(this.peakRssKib, PeakRss.kib(this.process.pid()));
	}

	/**
	 * The HTTP status of a path of the main port (the probes), or -1 when nothing
	 * answers.
	 */
	int status(String path) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.timeout(Duration.ofSeconds(5))
				.build();
			return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	void awaitStatus(String path, int expected, Duration patience) {
		Awaitility.await(path + " answering " + expected + " (worker log " + this.log + ")")
			.atMost(patience)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> {
				if (!this.process.isAlive()) {
					throw new IllegalStateException(
							"worker exited with " + this.process.exitValue() + ", see " + this.log);
				}
				return status(path) == expected;
			});
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

	private static List<String> jvmOptions() {
		String override = System.getProperty("drill.jvm-options");
		if (override != null) {
			List<String> options = new ArrayList<>(List.of(override.trim().split("\\s+")));
			// The native engine needs it whatever else is tried.
			options.add("--enable-native-access=ALL-UNNAMED");
			return List.copyOf(options);
		}
		if (!Files.isRegularFile(JVM_ARGS)) {
			throw new IllegalStateException(JVM_ARGS + " is missing");
		}
		return List.of("@" + JVM_ARGS);
	}

	private static Properties buildProperties() {
		Properties properties = new Properties();
		try (InputStream in = WorkerProcess.class.getResourceAsStream("/worker-process.properties")) {
			if (in == null) {
				throw new IllegalStateException(
						"worker-process.properties is not on the classpath: build with ./mvnw test-compile");
			}
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return properties;
	}

	private static Map<String, String> dockerfileMallocEnvironment() {
		Map<String, String> environment = new LinkedHashMap<>();
		Matcher setting = Pattern.compile("\\b(MALLOC_\\w+|GLIBC_TUNABLES)=(\\S+)").matcher(dockerfile());
		while (setting.find()) {
			environment.put(setting.group(1), setting.group(2));
		}
		if (environment.isEmpty()) {
			throw new IllegalStateException("no malloc setting in the Dockerfile");
		}
		return Map.copyOf(environment);
	}

	private static String dockerfile() {
		try {
			return Files.readString(Path.of(BUILD.getProperty("dockerfile")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A Java 25 or later: this JVM's when it is one (the build runs tests on the
	 * toolchain JDK), else the first under /usr/lib/jvm that reports one.
	 */
	public static String java() {
		if (Runtime.version().feature() >= 25) {
			return ProcessHandle.current().info().command().orElseThrow();
		}
		try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
			return jdks.sorted(Comparator.reverseOrder())
				.map((jdk) -> jdk.resolve("bin/java"))
				.filter(Files::isExecutable)
				.filter(WorkerProcess::isJava25OrLater)
				.findFirst()
				.map(Path::toString)
				.orElseThrow(() -> new IllegalStateException("no Java 25 or later under /usr/lib/jvm"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean isJava25OrLater(Path java) {
		try {
			Process version = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
				.redirectErrorStream(true)
				.start();
			String output = new String(version.getInputStream().readAllBytes());
			version.waitFor();
			return output.lines()
				.map(String::trim)
				.filter((line) -> line.startsWith("java.specification.version = "))
				.map((line) -> Integer.parseInt(line.substring(line.indexOf('=') + 2)))
				.anyMatch((feature) -> feature >= 25);
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
