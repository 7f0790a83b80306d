package dev.imageworker.drills;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.imageworker.support.Dockerfile;

/**
 * The image's application directory built on this machine from the packaged jar by the
 * Dockerfile's own steps, so that what runs here cannot drift from what the image runs:
 * the extract stage's commands on the packaged jar (what the build stage makes), then the
 * final stage's COPYs and its RUNs that run java, which train the AOT cache; started by
 * the image's ENTRYPOINT. The other RUNs install what this machine has already (libvips)
 * or add the user. Each stage's directories are under a local root of its own
 * ({@code <root>/<stage>/app} for the image's {@code /app}), every container path in a
 * command is mapped there, and {@code java} is this machine's Java 25, so the cache is
 * made for the JVM and the class path that use it here, as the image's is for its own.
 */
public final class LocalImage {

	/** The stage the final one copies the layers from. */
	private static final String EXTRACT_STAGE = "extract";

	/** The build stage's one product, which {@code ./mvnw package} made here. */
	private static final String BUILD_STAGE = "build";

	private static final Pattern COPY = Pattern.compile("COPY (?:--from=(\\S+) )?(\\S+) (\\S+)");

	/** The top directory of an absolute path that starts a word or follows = or @. */
	private static final Pattern ABSOLUTE_PATH = Pattern.compile("(^|[\\s=@])(/[\\w.-]+)(?=/|\\s|$)");

	private static final Duration RUN_PATIENCE = Duration.ofMinutes(10);

	private final Dockerfile dockerfile;

	private final Path root;

	private final Path workdir;

	private final Map<String, String> environment;

	private LocalImage(Dockerfile dockerfile, Path root, Path workdir, Map<String, String> environment) {
		this.dockerfile = dockerfile;
		this.root = root;
		this.workdir = workdir;
		this.environment = environment;
	}

	/**
	 * Builds the image's application directory under {@code root}, afresh: the layers,
	 * jvm.args and the AOT cache the training run writes.
	 */
	public static LocalImage build(Path root, Path dockerfilePath) {
		Dockerfile dockerfile = Dockerfile.read(dockerfilePath);
		Path context = dockerfilePath.toAbsolutePath().getParent();
		Path absoluteRoot = root.toAbsolutePath();
		delete(absoluteRoot);
		Stage extract = new Stage(absoluteRoot.resolve(EXTRACT_STAGE), context, absoluteRoot);
		extract.run(dockerfile.stage(EXTRACT_STAGE));
		Stage image = new Stage(absoluteRoot.resolve("image"), context, absoluteRoot);
		image.run(dockerfile.finalStage());
		return new LocalImage(dockerfile, image.root, image.local(image.workdir), Map.copyOf(image.environment));
	}

	/** The variables the image's ENV sets. */
	public Map<String, String> environment() {
		return this.environment;
	}

	/**
	 * The image's ENTRYPOINT as a launch of {@link WorkerProcess}: its options before the
	 * argument file of the image's flags lead, what follows it is the application. The
	 * argument file must be the one of {@code src/main/jvm}, which WorkerProcess passes
	 * itself.
	 */
	public WorkerProcess.Launch entrypoint() {
		List<String> entrypoint = this.dockerfile.entrypoint();
		if (!entrypoint.getFirst().equals("java")) {
			throw new IllegalStateException("the ENTRYPOINT does not start java: " + entrypoint);
		}
		int argumentFile = -1;
		for (int argument = 1; argument < entrypoint.size(); argument++) {
			if (entrypoint.get(argument).startsWith("@")) {
				argumentFile = argument;
			}
		}
		if (argumentFile < 0) {
			throw new IllegalStateException("no argument file in the ENTRYPOINT: " + entrypoint);
		}
		Path copied = Path.of(local(entrypoint.get(argumentFile).substring(1)));
		if (!read(copied).equals(read(WorkerProcess.JVM_ARGS))) {
			throw new IllegalStateException(copied + " is not " + WorkerProcess.JVM_ARGS);
		}
		return new WorkerProcess.Launch(this.workdir, local(entrypoint.subList(1, argumentFile)),
				local(entrypoint.subList(argumentFile + 1, entrypoint.size())));
	}

	private List<String> local(List<String> arguments) {
		return arguments.stream().map(this::local).toList();
	}

	/** A command or argument with the image's paths mapped to this machine's. */
	private String local(String text) {
		return mapPaths(text, this.root);
	}

	/**
	 * Every absolute path in the text, at the start of a word or after {@code =} or
	 * {@code @}, put under the local root.
	 */
	static String mapPaths(String text, Path root) {
		Matcher path = ABSOLUTE_PATH.matcher(text);
		StringBuilder mapped = new StringBuilder();
		while (path.find()) {
			String top = path.group(2);
			// System paths stay: only the image's own directories move.
			String replacement = isSystemPath(top) ? path.group() : path.group(1) + root + top;
			path.appendReplacement(mapped, Matcher.quoteReplacement(replacement));
		}
		path.appendTail(mapped);
		return mapped.toString();
	}

	private static boolean isSystemPath(String top) {
		return List.of("/tmp", "/usr", "/etc", "/var", "/bin", "/dev", "/proc").contains(top);
	}

	/** One stage's instructions carried out under a local root. */
	private static final class Stage {

		private final Path root;

		private final Path context;

		private final Path stages;

		private String workdir = "/";

		private final Map<String, String> environment = new LinkedHashMap<>();

		private int runs;

		Stage(Path root, Path context, Path stages) {
			this.root = root;
			this.context = context;
			this.stages = stages;
		}

		void run(List<String> instructions) {
			for (String instruction : instructions) {
				String keyword = instruction.substring(0, instruction.indexOf(' '));
				String arguments = instruction.substring(keyword.length() + 1);
				switch (keyword) {
					case "WORKDIR" -> {
						this.workdir = arguments.startsWith("/") ? arguments : this.workdir + "/" + arguments;
						createDirectories(local(this.workdir));
					}
					case "COPY" -> copy(instruction);
					case "ENV" -> this.environment.putAll(Dockerfile.environment(List.of(instruction)));
					case "RUN" -> {
						if (arguments.matches("(?s).*\\bjava\\b.*")) {
							shell(arguments);
						}
					}
					default -> {
						// USER, ENTRYPOINT and the like change nothing on disk.
					}
				}
			}
		}

		private void copy(String instruction) {
			Matcher copy = COPY.matcher(instruction);
			if (!copy.matches()) {
				throw new IllegalStateException("a COPY this build does not know: " + instruction);
			}
			String stage = copy.group(1);
			String destination = copy.group(3);
			Path target = local(destination.startsWith("/") ? destination : this.workdir + "/" + destination);
			Path source;
			if (stage == null) {
				source = this.context.resolve(copy.group(2));
			}
			else if (stage.equals(BUILD_STAGE)) {
				// What the build stage makes of the sources, the jar, is already here.
				source = WorkerProcess.jar();
			}
			else {
				source = this.stages.resolve(stage).resolve(copy.group(2).substring(1));
			}
			copyInto(source, target, destination.endsWith("/"));
		}

		private void shell(String command) {
			Path log = this.root.resolve("run-" + (++this.runs) + ".log");
			ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", mapPaths(command, this.root))
				.directory(local(this.workdir).toFile())
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().putAll(this.environment);
			String javaBin = Path.of(WorkerProcess.java()).getParent().toString();
			builder.environment().merge("PATH", javaBin, (path, jdk) -> jdk + ":" + path);
			try {
				Process process = builder.start();
				if (!process.waitFor(RUN_PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException("RUN " + command + " took too long, see " + log);
				}
				if (process.exitValue() != 0) {
					throw new IllegalStateException(
							"RUN " + command + " exited with " + process.exitValue() + ", see " + log);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		Path local(String containerPath) {
			return Path.of(this.root + containerPath).normalize();
		}

	}

	/**
	 * Copies a file into a directory (the target ends with a slash) or as the target, or
	 * a directory's content into the target, as COPY does.
	 */
	private static void copyInto(Path source, Path target, boolean targetIsDirectory) {
		try {
			if (Files.isDirectory(source)) {
				try (Stream<Path> files = Files.walk(source)) {
					for (Path file : files.toList()) {
						Path copy = target.resolve(source.relativize(file).toString());
						if (Files.isDirectory(file)) {
							Files.createDirectories(copy);
						}
						else {
							Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING,
									StandardCopyOption.COPY_ATTRIBUTES);
						}
					}
				}
			}
			else {
				Path copy = targetIsDirectory ? target.resolve(source.getFileName()) : target;
				Files.createDirectories(copy.getParent());
				Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void createDirectories(Path directory) {
		try {
			Files.createDirectories(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void delete(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
