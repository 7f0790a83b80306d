package dev.imageworker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import dev.imageworker.drills.LocalImage;
import dev.imageworker.drills.WorkerProcess;
import dev.imageworker.drills.WorkerProcess.Launch;
import dev.imageworker.provision.LocalResources;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.PeakRss;
import dev.imageworker.support.TestProperties;
import org.awaitility.Awaitility;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;

/**
 * Measures a cold start, as after a scale from zero: the worker process started on a
 * queue that already holds the event of a real photo, timed from the process's start to
 * its readiness probe answering 200 and to the photo's item being COMPLETED (its
 * {@code updatedAt}, the worker's clock, which is this host's), with the CPU (utime +
 * stime from {@code /proc}) the process spent until the poll saw COMPLETED and its peak
 * RSS by then. Every start gets fresh resources, provisioned before it (the worker
 * provisions nothing, as in production, and is given the topic's ARN), and the worker
 * runs as the image runs it ({@link WorkerProcess}: the image's flags and malloc
 * settings, the task definition's memory as {@code MaxRAM}, and the image's layout).
 * <p>
 * Contestants:
 * <ul>
 * <li>{@code today}: the image before its AOT cache: the jar extracted with
 * {@code --launcher} and started by Spring Boot's {@code JarLauncher};</li>
 * <li>{@code jar}: the packaged jar, started with {@code -jar} as the drills start
 * it;</li>
 * <li>{@code extracted}: the image's layout now (the Dockerfile's, built here by
 * {@link LocalImage}), without its cache;</li>
 * <li>{@code aot}: the same with the AOT cache the Dockerfile's training run writes, as
 * the image's ENTRYPOINT starts it;</li>
 * <li>{@code aot-images}: the same with a cache trained instead by a worker that worked
 * off the training photos against the local AWS and was then stopped.</li>
 * </ul>
 * A contestant may try JVM options after the image's flags, each after a comma:
 * {@code aot,-XX:CompileThresholdScaling=1}.
 * <p>
 * The contestants take turns in every round, each round starting with the next one, and
 * are compared by their medians. Prints a RESULT line per start, then a table, and last
 * {@code cold-start-vs-today: <ratio>}: today's median time to COMPLETED over
 * {@code aot}'s.
 * <p>
 * Arguments: photo directory, rounds, photos queued per start (the typical ones by size),
 * photos for the {@code aot-images} training, then the contestants.
 */
public final class ColdStartBenchmark {

	static final String TODAY = "today";

	static final String JAR = "jar";

	static final String EXTRACTED = "extracted";

	static final String AOT = "aot";

	static final String AOT_IMAGES = "aot-images";

	private static final List<String> CONTESTANTS = List.of(TODAY, JAR, EXTRACTED, AOT, AOT_IMAGES);

	private static final Path ROOT = Path.of("target", "cold-start");

	private static final Duration PATIENCE = Duration.ofMinutes(3);

	/** How often readiness is asked, the resolution of the time to ready. */
	private static final Duration POLL = Duration.ofMillis(50);

	private final LocalAws aws;

	private final S3Client s3;

	private final SqsClient sqs;

	private final DynamoDbClient dynamo;

	private final SnsClient sns;

	private final String memory;

	private LocalImage image;

	private ColdStartBenchmark(LocalAws aws, String memory) {
		this.aws = aws;
		this.s3 = aws.s3();
		this.sqs = aws.sqs();
		this.dynamo = aws.dynamo();
		this.sns = aws.sns();
		this.memory = memory;
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[0]);
		int rounds = Integer.parseInt(args[1]);
		int images = Integer.parseInt(args[2]);
		int trainingImages = Integer.parseInt(args[3]);
		List<String> labels = List.of(args).subList(4, args.length);
		for (String label : labels) {
			if (!CONTESTANTS.contains(layoutOf(label))) {
				throw new IllegalArgumentException("no contestant " + label + ", only " + CONTESTANTS);
			}
		}
		List<Path> photos = photos(directory);
		List<Path> queued = typical(photos, images);
		String memory = System.getProperty("bench.memory", WorkerProcess.taskDefinitionMemory());
		ColdStartBenchmark benchmark = new ColdStartBenchmark(LocalAws.startMoto(), memory);
		System.out.printf(
				"cold start: %d round(s) of %s; %d photo(s) queued per start (%s); workers as in a %s"
						+ " container on CPUs %s; local AWS %s%n",
				rounds, labels, images,
				String.join(", ", queued.stream().map((photo) -> photo.getFileName().toString()).toList()), memory,
				System.getProperty("drill.cpus", "all"), benchmark.aws.description());
		Map<String, Launch> launches = new LinkedHashMap<>();
		for (String label : labels) {
			launches.put(label,
					benchmark.launch(layoutOf(label), photos.subList(0, Math.min(trainingImages, photos.size()))));
		}
		Map<String, List<Result>> results = new LinkedHashMap<>();
		labels.forEach((label) -> results.put(label, new ArrayList<>()));
		for (int round = 1; round <= rounds; round++) {
			for (String label : turns(labels, round)) {
				Result result = benchmark.coldStart(label + "-r" + round, launches.get(label), jvmOptionsOf(label),
						queued);
				results.get(label).add(result);
				System.out.println(result.line(label, round));
			}
		}
		List<String> report = report(results, images);
		Files.createDirectories(ROOT);
		Files.write(ROOT.resolve("report.md"), report);
		System.out.printf("Cold start %s: %d rounds, %d photo(s) queued, %s, report %s%n", LocalDate.now(), rounds,
				images, memory, ROOT.resolve("report.md").toAbsolutePath().toUri());
		report.forEach(System.out::println);
		System.exit(0);
	}

	/**
	 * The layout a contestant starts: {@code aot} of {@code aot,-XX:TieredStopAtLevel=4}.
	 */
	static String layoutOf(String label) {
		return label.split(",")[0];
	}

	/** The JVM options a contestant tries after the image's, each after a comma. */
	static List<String> jvmOptionsOf(String label) {
		List<String> parts = List.of(label.split(","));
		return parts.subList(1, parts.size());
	}

	/** The contestants in the order of a round: each round starts with the next one. */
	static List<String> turns(List<String> labels, int round) {
		int first = (round - 1) % labels.size();
		List<String> turns = new ArrayList<>(labels.subList(first, labels.size()));
		turns.addAll(labels.subList(0, first));
		return turns;
	}

	/** The JPEGs of the directory, by name. */
	static List<Path> photos(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			List<Path> photos = files.filter((file) -> file.toString().endsWith(".jpg")).sorted().toList();
			if (photos.isEmpty()) {
				throw new IllegalStateException("no .jpg in " + directory);
			}
			return photos;
		}
	}

	/** The {@code count} photos around the median size, smallest first. */
	static List<Path> typical(List<Path> photos, int count) {
		List<Path> bySize = photos.stream().sorted(Comparator.comparingLong(ColdStartBenchmark::size)).toList();
		int from = Math.max(0, (bySize.size() - count) / 2);
		return bySize.subList(from, Math.min(bySize.size(), from + count));
	}

	private static long size(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** How a contestant is started, its layout and cache made first where it has one. */
	private Launch launch(String label, List<Path> trainingPhotos) throws IOException, InterruptedException {
		return switch (label) {
			case TODAY -> beforeTheCache(ROOT.resolve(TODAY));
			case JAR -> Launch.packagedJar();
			case EXTRACTED -> image().entrypoint().without("-XX:AOTCache");
			case AOT -> image().entrypoint();
			case AOT_IMAGES -> trainedOnImages(trainingPhotos);
			default -> throw new IllegalArgumentException(label);
		};
	}

	/** The image's layout and cache, built here once by the Dockerfile's steps. */
	private LocalImage image() {
		if (this.image == null) {
			System.out.println("building the image's layout and training its AOT cache in " + ROOT.resolve("image"));
			this.image = LocalImage.build(ROOT.resolve("image"), Path.of("Dockerfile"));
		}
		return this.image;
	}

	/**
	 * The image as it was before the AOT cache: the jar extracted with {@code --launcher}
	 * (classes and nested jars as Spring Boot's launcher reads them) and started by its
	 * {@code JarLauncher}.
	 */
	private static Launch beforeTheCache(Path directory) throws IOException, InterruptedException {
		Process extract = new ProcessBuilder(WorkerProcess.java(), "-Djarmode=tools", "-jar",
				WorkerProcess.jar().toString(), "extract", "--launcher", "--force", "--destination",
				directory.toAbsolutePath().toString())
			.inheritIO()
			.start();
		if (!extract.waitFor(5, TimeUnit.MINUTES) || extract.exitValue() != 0) {
			throw new IllegalStateException("extracting " + WorkerProcess.jar() + " with --launcher failed");
		}
		return new Launch(directory.toAbsolutePath(), List.of(),
				List.of("-cp", ".", "org.springframework.boot.loader.launch.JarLauncher"));
	}

	/**
	 * The image's layout with a cache trained by a worker that works off the training
	 * photos and is then stopped (SIGTERM): the JVM writes the cache as it exits.
	 */
	private Launch trainedOnImages(List<Path> photos) {
		Launch image = image().entrypoint().without("-XX:AOTCache");
		Path cache = image.directory().resolve("app-images.aot");
		Run run = prepare("train", photos);
		System.out.println("training " + cache + " on " + photos.size() + " photos");
		WorkerProcess worker = WorkerProcess.spawn(image.with("-XX:AOTCacheOutput=" + cache), run.properties(),
				List.of(), this.memory, ROOT.resolve("logs").resolve("aot-images-training.log"));
		try {
			Awaitility.await("the training's photos COMPLETED, see " + worker.log())
				.atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(500))
				.until(() -> {
					if (!worker.isAlive()) {
						throw new IllegalStateException("the training worker exited, see " + worker.log());
					}
					return completed(run).size() == photos.size();
				});
			worker.terminate(PATIENCE);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		finally {
			worker.close();
		}
		if (!Files.isRegularFile(cache)) {
			throw new IllegalStateException("no cache " + cache + " after training, see " + worker.log());
		}
		return image.with("-XX:AOTCache=" + cache);
	}

	/** The resources of one start, and the photos queued for it. */
	record Run(String name, Map<String, String> properties, String table, List<String> imageIds) {
	}

	/**
	 * Fresh resources named after the run, the photos uploaded and their events queued,
	 * and the worker's properties for them.
	 */
	private Run prepare(String name, List<Path> photos) {
		EndToEndBenchmark.Names names = EndToEndBenchmark.Names.of("cold-", name);
		LocalResources.provision(this.aws, TestProperties.bind(names.settings()));
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		names.settings().forEach((setting, value) -> properties.put("image-worker." + setting, value));
		properties.put("image-worker.topic", this.sns.createTopic((request) -> request.name(names.topic())).topicArn());
		properties.put("image-worker.provision", "false");
		List<String> imageIds = new ArrayList<>();
		for (int photo = 0; photo < photos.size(); photo++) {
			String imageId = "img_%016x".formatted(photo);
			this.s3.putObject((request) -> request.bucket(names.uploads())
				.key("cold/bench/" + imageId + ".jpg")
				.contentType("image/jpeg"), RequestBody.fromFile(photos.get(photo)));
			imageIds.add(imageId);
		}
		String queueUrl = this.sqs.getQueueUrl((request) -> request.queueName(names.queue())).queueUrl();
		Awaitility.await(photos.size() + " events queued for " + name)
			.atMost(Duration.ofMinutes(1))
			.pollInterval(POLL)
			.until(() -> queued(queueUrl) >= photos.size());
		return new Run(name, properties, names.table(), imageIds);
	}

	/** Messages in the queue, visible or in flight. */
	private int queued(String queueUrl) {
		return this.sqs
			.getQueueAttributes((request) -> request.queueUrl(queueUrl)
				.attributeNamesWithStrings(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES.toString(),
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE.toString()))
			.attributesAsStrings()
			.values()
			.stream()
			.mapToInt(Integer::parseInt)
			.sum();
	}

	/** The updatedAt of each of the run's images that is COMPLETED. */
	private List<Instant> completed(Run run) {
		List<Instant> completed = new ArrayList<>();
		for (String imageId : run.imageIds()) {
			Map<String, AttributeValue> item = this.dynamo
				.getItem((request) -> request.tableName(run.table())
					.key(Map.of(IMAGE_ID, AttributeValue.fromS(imageId)))
					.consistentRead(true))
				.item();
			if (item != null && item.containsKey(STATUS) && item.get(STATUS).s().equals("COMPLETED")) {
				completed.add(Instant.parse(item.get(UPDATED_AT).s()));
			}
		}
		return completed;
	}

	/**
	 * One start: from the process's start to ready and to every queued photo COMPLETED.
	 */
	private Result coldStart(String name, Launch launch, List<String> jvmOptions, List<Path> photos)
			throws InterruptedException {
		Run run = prepare(name, photos);
		Path log = ROOT.resolve("logs").resolve(name + ".log");
		WorkerProcess worker = WorkerProcess.spawn(launch, run.properties(), jvmOptions, this.memory, log);
		try {
			Duration ready = null;
			List<Instant> completed = List.of();
			Duration cpu = Duration.ZERO;
			long peakRssKib = 0;
			int turn = 0;
			while (ready == null || completed.size() < photos.size()) {
				if (!worker.isAlive()) {
					throw new IllegalStateException(name + " exited, see " + log);
				}
				if (Duration.between(worker.started(), Instant.now()).compareTo(PATIENCE) > 0) {
					throw new IllegalStateException(name + " took over " + PATIENCE + " (ready: " + (ready != null)
							+ ", COMPLETED: " + completed.size() + " of " + photos.size() + "), see " + log);
				}
				if (ready == null && worker.isReady()) {
					ready = Duration.between(worker.started(), Instant.now());
				}
				// Every other turn: moto's CPU is this machine's too.
				if (completed.size() < photos.size() && turn++ % 2 == 0) {
					completed = completed(run);
					if (completed.size() == photos.size()) {
						cpu = ProcessCpu.of(worker.pid());
						peakRssKib = worker.peakRssKib();
						System.out.println("CPU ms by thread until COMPLETED, " + name + ": "
								+ ThreadCpu.of(worker.pid()).since(new ThreadCpu(Map.of()), 1));
					}
				}
				Thread.sleep(POLL.toMillis());
			}
			List<Duration> sinceStart = completed.stream()
				.map((at) -> Duration.between(worker.started(), at))
				.sorted()
				.toList();
			return new Result(ready, sinceStart.getFirst(), sinceStart.getLast(), cpu, peakRssKib / 1024);
		}
		finally {
			// Measured: a clean stop would wait out the listener's long poll.
			worker.kill();
		}
	}

	/**
	 * One start: the times from the process's start to ready, to the first and to the
	 * last queued photo COMPLETED, the process's CPU until then, and its peak RSS.
	 */
	record Result(Duration ready, Duration firstCompleted, Duration lastCompleted, Duration cpu, long peakRssMib) {

		String line(String label, int round) {
			return String.format(Locale.ROOT,
					"RESULT %s round %d ready_s=%.2f first_completed_s=%.2f last_completed_s=%.2f cpu_s=%.2f"
							+ " peak_rss_mib=%d",
					label, round, seconds(this.ready), seconds(this.firstCompleted), seconds(this.lastCompleted),
					seconds(this.cpu), this.peakRssMib);
		}

	}

	static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	/**
	 * A table of each contestant's medians, then the ratios to {@code today}: time to the
	 * first COMPLETED of every other contestant, CPU until COMPLETED of {@code aot}, and
	 * last {@code cold-start-vs-today}, {@code aot}'s time to the first COMPLETED.
	 */
	static List<String> report(Map<String, List<Result>> results, int images) {
		List<String> lines = new ArrayList<>();
		lines.add("| contestant | starts | ready s | first COMPLETED s"
				+ ((images > 1) ? " | all " + images + " COMPLETED s" : "")
				+ " | CPU s until COMPLETED | peak RSS MiB | first COMPLETED vs today | CPU vs today |");
		lines.add("|---|---:|---:|---:|" + ((images > 1) ? "---:|" : "") + "---:|---:|---:|---:|");
		List<Result> today = results.get(TODAY);
		results.forEach((label,
				runs) -> lines.add(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%s %.2f | %.0f | %s | %s |",
						label, runs.size(), median(runs, (run) -> seconds(run.ready())),
						median(runs, (run) -> seconds(run.firstCompleted())),
						(images > 1) ? String.format(Locale.ROOT, " %.2f |",
								median(runs, (run) -> seconds(run.lastCompleted()))) : "",
						median(runs, (run) -> seconds(run.cpu())), median(runs, Result::peakRssMib),
						(today == null) ? "no today"
								: ratio(today, runs, (run) -> seconds(run.firstCompleted()), "%.2fx"),
						(today == null) ? "no today" : ratio(today, runs, (run) -> seconds(run.cpu()), "%.2fx"))));
		if (today == null) {
			return lines;
		}
		results.forEach((label, runs) -> {
			if (!label.equals(TODAY) && !label.equals(AOT)) {
				lines.add("cold-start-vs-today-" + label + ": "
						+ ratio(today, runs, (run) -> seconds(run.firstCompleted()), "%.2f"));
			}
		});
		List<Result> aot = results.get(AOT);
		if (aot != null) {
			lines.add("cold-start-cpu-vs-today: " + ratio(today, aot, (run) -> seconds(run.cpu()), "%.2f"));
			lines.add("cold-start-vs-today: " + ratio(today, aot, (run) -> seconds(run.firstCompleted()), "%.2f"));
		}
		return lines;
	}

	/** Today's median over the other's: how many times faster or leaner it is. */
	private static String ratio(List<Result> today, List<Result> other, ToDoubleFunction<Result> measure,
			String format) {
		return String.format(Locale.ROOT, format, median(today, measure) / median(other, measure));
	}

	static double median(List<Result> runs, ToDoubleFunction<Result> measure) {
		return EndToEndBenchmark.median(runs, measure);
	}

}
