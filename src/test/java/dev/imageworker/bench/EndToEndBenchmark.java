package dev.imageworker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import dev.imageworker.drills.LocalImage;
import dev.imageworker.drills.WorkerProcess;
import dev.imageworker.provision.LocalResources;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.PeakRss;
import dev.imageworker.support.TestProperties;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;

/**
 * Measures, per contestant, what bringing a backlog of real photos to COMPLETED costs:
 * the packaged worker as a process (one per engine or setting tried), a plain boto3 +
 * Pillow worker with two threads ({@code bench/peer_worker.py}) as the yardstick, and the
 * same peer making the worker's other requests too ({@code peer-full}: claim, conditional
 * completion, SNS event and its mark), all against one local AWS. For the responsive
 * example set ({@code vips,set=example}, eleven outputs) the yardstick is a Node + sharp
 * worker rendering the same outputs at sharp's defaults ({@code bench/sharp-peer},
 * {@code sharp}), and the same making the worker's other requests ({@code sharp-full}).
 * <p>
 * Every contestant starts once, on resources of its own, and is stopped (SIGSTOP)
 * whenever it is not its turn. A batch is uploaded while its contestant is stopped, so
 * the uploads do not compete with it; it is then continued (SIGCONT), and stopped again
 * once its queue is empty. A batch's window runs from SIGCONT to the last item's
 * {@code updatedAt}; the contestant's CPU (utime + stime, ended children included, from
 * {@code /proc}) and the local AWS's are read separately around it. Each contestant first
 * works through its warm-up in batches, whose CPU per image shows where it flattens; then
 * the measured batches run in rounds, one contestant after the other, so that each
 * contestant's median round is compared with the others' in the same stretch of a shared
 * machine.
 * <p>
 * Prints a RESULT line per measured batch, then a table of medians per contestant, the
 * warm-up series, and last {@code worker-cpu-vs-peer: <ratio>} (the peer's median CPU per
 * image over the leanest worker's) and {@code end-to-end-vs-peer: <ratio>} (the fastest
 * worker's median images/s over the peer's), after the same two against {@code peer-full}
 * when it ran; when the sharp peer and a worker with the example set ran, then
 * {@code worker-cpu-vs-sharp: <ratio>} and {@code bytes-vs-sharp: <ratio>} (the leanest
 * such worker's CPU and output bytes per image over sharp's), after the same two against
 * {@code sharp-full}. The tables go to {@code target/end-to-end/report.md} too, and
 * beside it {@code chart.svg} shows each batch's images/s and CPU per image.
 * <p>
 * Arguments: photo directory, warm-up images, images per measured batch, rounds, images
 * per warm-up batch, then the contestants: {@code peer}, {@code peer-full},
 * {@code sharp}, {@code sharp-full}, or an engine ({@code vips}, {@code java}) optionally
 * followed by worker settings, JVM options or a variant set to try, each after a comma,
 * e.g. {@code vips,processing.prefetch=0}, {@code vips,-XX:TieredStopAtLevel=1} or
 * {@code vips,set=example}. {@code share=0.25} among them gives a contestant that share
 * of every batch (a slow engine). A contestant named twice runs twice, as {@code vips#2}.
 */
public final class EndToEndBenchmark {

	private static final Duration PATIENCE = Duration.ofMinutes(10);

	private static final Duration POLL = Duration.ofMillis(200);

	private static final Path LOGS = Path.of("target", "end-to-end");

	private static final String PEER = "peer";

	private static final String PEER_FULL = "peer-full";

	private static final String SHARP = "sharp";

	private static final String SHARP_FULL = "sharp-full";

	private static final String SET = "set=";

	/**
	 * The variant sets a worker contestant may render instead of the defaults
	 * ({@code vips,set=example}), as worker properties without the {@code image-worker.}
	 * prefix. {@code example} is the responsive set of the README, eleven outputs per
	 * image, which the sharp peer renders too.
	 */
	static final Map<String, Map<String, String>> SETS = Map.of("example",
			Map.of("variants.thumb", "256", "variants.avatar.width", "128", "variants.avatar.height", "128",
					"variants.avatar.fit", "cover", "variants.avatar.crop", "attention", "variants.avatar.formats",
					"webp", "variants.hero.widths", "320,640,1280", "variants.hero.formats", "avif,webp,jpeg"));

	private static final String SHARE = "share=";

	private final LocalAws aws;

	private final S3Client s3;

	private final SqsClient sqs;

	private final DynamoDbClient dynamo;

	private final SnsClient sns;

	private final List<Path> photos;

	private final List<byte[]> photoBytes;

	private final List<Long> localAwsPids;

	private final String memory;

	private @Nullable LocalImage image;

	private EndToEndBenchmark(LocalAws aws, List<Path> photos, String memory) throws IOException {
		this.aws = aws;
		this.s3 = aws.s3();
		this.sqs = aws.sqs();
		this.dynamo = aws.dynamo();
		this.sns = aws.sns();
		this.photos = photos;
		this.photoBytes = new ArrayList<>();
		for (Path photo : photos) {
			this.photoBytes.add(Files.readAllBytes(photo));
		}
		// moto_server and whatever it started, found once: it does not fork per request.
		this.localAwsPids = ProcessHandle.current()
			.descendants()
			.filter((process) -> process.info().commandLine().orElse("").contains("moto"))
			.map(ProcessHandle::pid)
			.toList();
		this.memory = memory;
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[0]);
		Plan plan = new Plan(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
				Integer.parseInt(args[4]));
		List<String> labels = labels(List.of(args).subList(5, args.length));
		List<Path> photos;
		try (Stream<Path> files = Files.list(directory)) {
			photos = files.filter((file) -> file.toString().endsWith(".jpg")).sorted().toList();
		}
		String memory = System.getProperty("bench.memory", WorkerProcess.taskDefinitionMemory());
		EndToEndBenchmark benchmark = new EndToEndBenchmark(LocalAws.startMoto(), photos, memory);
		System.out.printf(
				"photos: %d JPEGs in %s; per contestant %d warm-up images in batches of %d, then %d round(s) of %d;"
						+ " workers as in a %s container; local AWS pids %s%n",
				photos.size(), directory, plan.warmUp(), plan.warmUpBatch(), plan.rounds(), plan.measured(), memory,
				benchmark.localAwsPids);
		Files.createDirectories(LOGS);
		Map<String, Contestant> contestants = new LinkedHashMap<>();
		try {
			for (String label : labels) {
				contestants.put(label, benchmark.start(label));
			}
			Map<String, List<Double>> warmUps = new LinkedHashMap<>();
			for (Contestant contestant : contestants.values()) {
				warmUps.put(contestant.label, benchmark.warmUp(contestant, plan));
			}
			Map<String, List<Result>> results = new LinkedHashMap<>();
			for (int round = 1; round <= plan.rounds(); round++) {
				for (Contestant contestant : contestants.values()) {
					Result result = benchmark.batch(contestant, "m" + round, contestant.images(plan.measured()), true);
					results.computeIfAbsent(contestant.label, (label) -> new ArrayList<>()).add(result);
					System.out.println(result.line(contestant.label + " round " + round));
				}
			}
			Map<String, Long> peakRssMib = new LinkedHashMap<>();
			contestants.forEach((label, contestant) -> peakRssMib.put(label, contestant.peakRssKib() / 1024));
			List<String> report = report(results, peakRssMib);
			List<String> warmUpTable = warmUpTable(warmUps, plan, results);
			Files.write(LOGS.resolve("report.md"), Stream.concat(warmUpTable.stream(), report.stream()).toList());
			String title = String.format(Locale.ROOT,
					"End-to-end benchmark %s: %d rounds of %d images after %d warm-up, %s", LocalDate.now(),
					plan.rounds(), plan.measured(), plan.warmUp(), memory);
			Path chart = BenchmarkChart.write(LOGS.resolve("chart.svg"), title, chartBars(results));
			// Before the tables: the ratios stay the last lines, which is what scripts
			// read.
			System.out.println("report: " + LOGS.resolve("report.md").toAbsolutePath().toUri() + ", chart: "
					+ chart.toAbsolutePath().toUri());
			warmUpTable.forEach(System.out::println);
			report.forEach(System.out::println);
		}
		finally {
			contestants.values().forEach(Contestant::close);
		}
		System.exit(0);
	}

	/**
	 * The images of each contestant: {@code warmUp} in batches of {@code warmUpBatch}
	 * before {@code rounds} measured batches of {@code measured}.
	 */
	record Plan(int warmUp, int measured, int rounds, int warmUpBatch) {

		/** The warm-up batch sizes, the last one smaller when it does not divide. */
		List<Integer> warmUpBatches(double share) {
			List<Integer> batches = new ArrayList<>();
			int total = (int) Math.round(this.warmUp * share);
			int size = Math.max(1, (int) Math.round(this.warmUpBatch * share));
			for (int done = 0; done < total; done += size) {
				batches.add(Math.min(size, total - done));
			}
			return batches;
		}

	}

	/** The labels of the contestants named: one named again runs again as {@code #2}. */
	static List<String> labels(List<String> contestants) {
		List<String> labels = new ArrayList<>();
		for (String contestant : contestants) {
			String label = contestant;
			for (int run = 2; labels.contains(label); run++) {
				label = contestant + "#" + run;
			}
			labels.add(label);
		}
		return labels;
	}

	/** The contestant a label names: {@code vips#2} is the second vips. */
	static String contestantOf(String label) {
		int run = label.lastIndexOf('#');
		return (run < 0) ? label : label.substring(0, run);
	}

	/** The share of every batch a contestant gets ({@code share=0.25}), else 1. */
	static double shareOf(String contestant) {
		for (String option : contestant.split(",")) {
			if (option.startsWith(SHARE)) {
				return Double.parseDouble(option.substring(SHARE.length()));
			}
		}
		return 1.0;
	}

	static boolean isPeer(String contestant) {
		return contestant.equals(PEER) || contestant.equals(PEER_FULL) || isSharp(contestant);
	}

	static boolean isSharp(String contestant) {
		return contestant.equals(SHARP) || contestant.equals(SHARP_FULL);
	}

	/**
	 * The worker properties of the variant set a contestant names ({@code set=example}),
	 * empty for the defaults.
	 * @throws IllegalArgumentException for a set not in {@link #SETS}
	 */
	static Map<String, String> setOf(String contestant) {
		for (String option : contestant.split(",")) {
			if (option.startsWith(SET)) {
				Map<String, String> set = SETS.get(option.substring(SET.length()));
				if (set == null) {
					throw new IllegalArgumentException("no variant set " + option + ", only " + SETS.keySet());
				}
				return set;
			}
		}
		return Map.of();
	}

	/** One bar per measured batch, contestant by contestant. */
	static List<BenchmarkChart.Bar> chartBars(Map<String, List<Result>> results) {
		List<BenchmarkChart.Bar> bars = new ArrayList<>();
		results.forEach((label, runs) -> {
			for (int round = 0; round < runs.size(); round++) {
				Result result = runs.get(round);
				bars.add(new BenchmarkChart.Bar(label + " r" + (round + 1), isPeer(contestantOf(label)),
						result.imagesPerSecond(), result.cpuMsPerImage()));
			}
		});
		return bars;
	}

	/**
	 * A table with each contestant's median batch, and the ratio lines: the peer's median
	 * CPU per image over the leanest worker's, and the fastest worker's median images/s
	 * over the peer's, against {@code peer-full} first when it ran and {@code peer} last.
	 * A row's "vs peer" columns are to the peer's medians. A contestant named twice is
	 * one row per process.
	 */
	static List<String> report(Map<String, List<Result>> results, Map<String, Long> peakRssMib) {
		Map<String, Medians> medians = new LinkedHashMap<>();
		results.forEach((label, runs) -> medians.put(label, Medians.of(runs)));
		Medians peer = peerMedians(medians, PEER);
		List<String> lines = new ArrayList<>();
		lines.add("| contestant | batches | images/s | contestant CPU ms/image | local AWS CPU ms/image"
				+ " | p50 latency s | p99 latency s | peak RSS MiB | output KiB/image | images/s vs peer | CPU vs peer |");
		lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
		medians.forEach((label, median) -> lines.add(String.format(Locale.ROOT,
				"| %s | %d | %.2f | %.1f | %.1f | %.1f | %.1f | %d | %.1f | %s | %s |", label, median.batches(),
				median.imagesPerSecond(), median.cpuMsPerImage(), median.localAwsCpuMsPerImage(), median.p50Seconds(),
				median.p99Seconds(), peakRssMib.getOrDefault(label, -1L), median.bytesPerImage() / 1024,
				(peer == null) ? "no peer" : ratio(median.imagesPerSecond() / peer.imagesPerSecond()),
				(peer == null) ? "no peer" : ratio(peer.cpuMsPerImage() / median.cpuMsPerImage()))));
		Map<String, Medians> workers = new LinkedHashMap<>(medians);
		workers.keySet().removeIf((label) -> isPeer(contestantOf(label)));
		if (workers.isEmpty()) {
			return lines;
		}
		double leanest = best(workers.values(), (median) -> -median.cpuMsPerImage());
		double fastest = best(workers.values(), Medians::imagesPerSecond);
		for (String yardstick : List.of(PEER_FULL, PEER)) {
			Medians against = peerMedians(medians, yardstick);
			if (against != null) {
				String suffix = yardstick.equals(PEER) ? "" : "-full";
				lines.add(String.format(Locale.ROOT, "worker-cpu-vs-peer%s: %.2f", suffix,
						against.cpuMsPerImage() / -leanest));
				lines.add(String.format(Locale.ROOT, "end-to-end-vs-peer%s: %.2f", suffix,
						fastest / against.imagesPerSecond()));
			}
		}
		lines.addAll(sharpLines(medians));
		return lines;
	}

	/**
	 * Against the sharp peer, {@code sharp-full} first when it ran and {@code sharp}
	 * last: the CPU per image and the output bytes per image of the leanest worker that
	 * rendered the same set ({@code set=example}) over the peer's. None without such a
	 * worker: the defaults are other work.
	 */
	private static List<String> sharpLines(Map<String, Medians> medians) {
		List<String> lines = new ArrayList<>();
		Medians leanest = medians.entrySet()
			.stream()
			.filter((entry) -> !isPeer(contestantOf(entry.getKey()))
					&& setOf(contestantOf(entry.getKey())).equals(SETS.get("example")))
			.map(Map.Entry::getValue)
			.min(Comparator.comparingDouble(Medians::cpuMsPerImage))
			.orElse(null);
		if (leanest == null) {
			return lines;
		}
		for (String yardstick : List.of(SHARP_FULL, SHARP)) {
			Medians against = peerMedians(medians, yardstick);
			if (against != null) {
				String suffix = yardstick.equals(SHARP) ? "" : "-full";
				lines.add(String.format(Locale.ROOT, "worker-cpu-vs-sharp%s: %.2f", suffix,
						leanest.cpuMsPerImage() / against.cpuMsPerImage()));
				lines.add(String.format(Locale.ROOT, "bytes-vs-sharp%s: %.2f", suffix,
						leanest.bytesPerImage() / against.bytesPerImage()));
			}
		}
		return lines;
	}

	private static String ratio(double ratio) {
		return String.format(Locale.ROOT, "%.2fx", ratio);
	}

	private static double best(Collection<Medians> medians, ToDoubleFunction<Medians> measure) {
		return medians.stream().mapToDouble(measure).max().orElseThrow();
	}

	/** The yardstick's medians over all its batches, whichever process ran them. */
	private static Medians peerMedians(Map<String, Medians> medians, String yardstick) {
		List<Medians> runs = medians.entrySet()
			.stream()
			.filter((entry) -> contestantOf(entry.getKey()).equals(yardstick))
			.map(Map.Entry::getValue)
			.toList();
		if (runs.isEmpty()) {
			return null;
		}
		return (runs.size() == 1) ? runs.getFirst() : Medians.ofMedians(runs);
	}

	/**
	 * The CPU per image of each warm-up batch, then the measured median, and where the
	 * warm-up flattened: the images after which no batch took more than 5% over the
	 * measured median.
	 */
	static List<String> warmUpTable(Map<String, List<Double>> warmUps, Plan plan, Map<String, List<Result>> results) {
		List<String> lines = new ArrayList<>();
		lines.add("| contestant | CPU ms/image per warm-up batch | measured median | flat after images |");
		lines.add("|---|---|---:|---:|");
		warmUps.forEach((label, series) -> {
			double steady = Medians.of(results.get(label)).cpuMsPerImage();
			List<Integer> batches = plan.warmUpBatches(shareOf(contestantOf(label)));
			OptionalInt flat = flatAfter(series, steady, 0.05);
			String flatAfter = flat.isPresent()
					? Integer.toString(batches.subList(0, flat.getAsInt()).stream().mapToInt(Integer::intValue).sum())
					: "not within the warm-up";
			lines.add(String.format(Locale.ROOT, "| %s | %s | %.1f | %s |", label,
					String.join(" ", series.stream().map((cpu) -> String.format(Locale.ROOT, "%.0f", cpu)).toList()),
					steady, flatAfter));
		});
		return lines;
	}

	/**
	 * The number of leading batches after which every batch of the series stays within
	 * {@code tolerance} above the steady value; empty when even the last does not.
	 */
	static OptionalInt flatAfter(List<Double> series, double steady, double tolerance) {
		int flat = series.size();
		while (flat > 0 && series.get(flat - 1) <= steady * (1 + tolerance)) {
			flat--;
		}
		return (flat == series.size()) ? OptionalInt.empty() : OptionalInt.of(flat);
	}

	/** A contestant's median batch: each figure the median over its batches. */
	record Medians(int batches, double imagesPerSecond, double cpuMsPerImage, double localAwsCpuMsPerImage,
			double p50Seconds, double p99Seconds, double bytesPerImage) {

		static Medians of(List<Result> runs) {
			return new Medians(runs.size(), median(runs, Result::imagesPerSecond), median(runs, Result::cpuMsPerImage),
					median(runs, Result::localAwsCpuMsPerImage), median(runs, (run) -> run.p50().toMillis() / 1000.0),
					median(runs, (run) -> run.p99().toMillis() / 1000.0), median(runs, Result::bytesPerImage));
		}

		static Medians ofMedians(List<Medians> runs) {
			return new Medians(runs.stream().mapToInt(Medians::batches).sum(), median(runs, Medians::imagesPerSecond),
					median(runs, Medians::cpuMsPerImage), median(runs, Medians::localAwsCpuMsPerImage),
					median(runs, Medians::p50Seconds), median(runs, Medians::p99Seconds),
					median(runs, Medians::bytesPerImage));
		}

	}

	static <T> double median(List<T> runs, ToDoubleFunction<T> measure) {
		return median(runs.stream().map(measure::applyAsDouble).toList());
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	/**
	 * One batch: its images over the window from SIGCONT to the last {@code updatedAt},
	 * each image's latency from SIGCONT to its {@code updatedAt}, the CPU the contestant
	 * and the local AWS spent from SIGCONT until the queue was empty, and the bytes of
	 * every output written.
	 */
	record Result(int images, Duration elapsed, Duration p50, Duration p99, Duration cpu, Duration localAwsCpu,
			long outputBytes) {

		double bytesPerImage() {
			return this.outputBytes / (double) this.images;
		}

		double imagesPerSecond() {
			return this.images / (this.elapsed.toMillis() / 1000.0);
		}

		double cpuMsPerImage() {
			return this.cpu.toMillis() / (double) this.images;
		}

		double localAwsCpuMsPerImage() {
			return this.localAwsCpu.toMillis() / (double) this.images;
		}

		String line(String batch) {
			return String.format(Locale.ROOT,
					"RESULT %s images=%d seconds=%.1f images_per_s=%.2f p50_s=%.1f p99_s=%.1f"
							+ " cpu_ms_per_image=%.1f local_aws_cpu_ms_per_image=%.1f output_bytes_per_image=%.0f",
					batch, this.images, this.elapsed.toMillis() / 1000.0, imagesPerSecond(),
					this.p50.toMillis() / 1000.0, this.p99.toMillis() / 1000.0, cpuMsPerImage(),
					localAwsCpuMsPerImage(), bytesPerImage());
		}

	}

	/**
	 * Resource names of one contestant, so no contestant sees another's queue or items.
	 */
	record Names(String queue, String deadLetterQueue, String uploads, String thumbnails, String table, String topic) {

		/**
		 * The worker's properties naming these resources, without the
		 * {@code image-worker.} prefix.
		 */
		Map<String, String> settings() {
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("queue", this.queue);
			settings.put("dead-letter-queue", this.deadLetterQueue);
			settings.put("source-buckets", this.uploads);
			settings.put("output-bucket", this.thumbnails);
			settings.put("table", this.table);
			settings.put("topic", this.topic);
			return settings;
		}

		static Names of(String contestant) {
			return of("e2e-", contestant);
		}

		/** The names of a benchmark's resources, each starting with its prefix. */
		static Names of(String benchmark, String contestant) {
			// Bucket and queue names allow lower-case letters, digits and hyphens in
			// common, and a bucket name at most 63 characters.
			String name = contestant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
			if (name.length() > 24) {
				name = name.substring(0, 15) + "-" + Integer.toHexString(contestant.hashCode());
			}
			String prefix = benchmark + name + "-";
			return new Names(prefix + "queue", prefix + "dlq", prefix + "uploads", prefix + "thumbnails",
					prefix + "metadata", prefix + "events");
		}

	}

	/** A running contestant, stopped whenever it is not its turn. */
	private static final class Contestant implements AutoCloseable {

		private final String label;

		private final Names names;

		private final String queueUrl;

		private final long pid;

		private final LongSupplier peakRssKib;

		private final AutoCloseable process;

		private final double share;

		private int uploaded;

		private Contestant(String label, Names names, String queueUrl, long pid, LongSupplier peakRssKib,
				AutoCloseable process) {
			this.label = label;
			this.names = names;
			this.queueUrl = queueUrl;
			this.pid = pid;
			this.peakRssKib = peakRssKib;
			this.process = process;
			this.share = shareOf(contestantOf(label));
		}

		int images(int batch) {
			return Math.max(1, (int) Math.round(batch * this.share));
		}

		long peakRssKib() {
			return this.peakRssKib.getAsLong();
		}

		void stop() {
			signal("STOP");
		}

		void resume() {
			signal("CONT");
		}

		private void signal(String signal) {
			try {
				Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.pid)).inheritIO().start();
				if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
					throw new IllegalStateException("kill -" + signal + " " + this.pid + " failed");
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

		@Override
		public void close() {
			try {
				resume();
			}
			catch (RuntimeException ex) {
				// Gone already.
			}
			try {
				this.process.close();
			}
			catch (Exception ex) {
				System.out.println("stopping " + this.label + ": " + ex);
			}
		}

	}

	/** Starts a contestant on fresh resources and stops it. */
	private Contestant start(String label) throws IOException {
		String contestant = contestantOf(label);
		Names names = Names.of(label);
		Path log = LOGS.resolve(label + ".log");
		Files.deleteIfExists(log);
		Contestant started;
		if (isPeer(contestant)) {
			// The resources the worker creates for itself with the same names.
			LocalResources.provision(this.aws, TestProperties.bind(names.settings()));
			String queueUrl = queueUrl(names);
			List<String> command = new ArrayList<>(isSharp(contestant) ? List.of("node", "bench/sharp-peer/worker.js")
					: List.of("/usr/bin/python3", "bench/peer_worker.py"));
			command.addAll(List.of(this.aws.endpoint().toString(), queueUrl, names.thumbnails(), names.table(), "2"));
			if (contestant.equals(PEER_FULL) || contestant.equals(SHARP_FULL)) {
				command.add(this.sns.createTopic((request) -> request.name(names.topic())).topicArn());
			}
			Process peer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			Runtime.getRuntime().addShutdownHook(new Thread(peer::destroyForcibly, "peer-stop"));
			started = new Contestant(label, names, queueUrl, peer.pid(), () -> PeakRss.kib(peer.pid()), peer::destroy);
		}
		else {
			Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
			String[] engineAndSettings = contestant.split(",");
			properties.put("image-worker.engine", engineAndSettings[0]);
			List<String> jvmOptions = new ArrayList<>();
			for (String setting : List.of(engineAndSettings).subList(1, engineAndSettings.length)) {
				if (setting.startsWith("-")) {
					jvmOptions.add(setting);
				}
				else if (!setting.startsWith(SHARE) && !setting.startsWith(SET)) {
					String[] nameAndValue = setting.split("=", 2);
					properties.put("image-worker." + nameAndValue[0], nameAndValue[1]);
				}
			}
			setOf(contestant).forEach((name, value) -> properties.put("image-worker." + name, value));
			names.settings().forEach((name, value) -> properties.put("image-worker." + name, value));
			WorkerProcess worker = WorkerProcess.start(image().entrypoint(), properties, jvmOptions, this.memory, log);
			started = new Contestant(label, names, queueUrl(names), worker.pid(), worker::peakRssKib, () -> {
				// A clean stop, so that a flight recording given through
				// JAVA_TOOL_OPTIONS is written.
				worker.terminate(Duration.ofSeconds(30));
				worker.close();
			});
		}
		started.stop();
		System.out.println("started " + label + " (pid " + started.pid + "), log " + log);
		return started;
	}

	/**
	 * The image's layout and AOT cache, built here once by the Dockerfile's own steps.
	 */
	private LocalImage image() {
		if (this.image == null) {
			this.image = LocalImage.build(LOGS.resolve("image"), Path.of("Dockerfile"));
		}
		return this.image;
	}

	private String queueUrl(Names names) {
		return this.sqs.getQueueUrl((request) -> request.queueName(names.queue())).queueUrl();
	}

	/** The warm-up batches of a contestant; returns each one's CPU ms per image. */
	private List<Double> warmUp(Contestant contestant, Plan plan) throws IOException {
		List<Double> series = new ArrayList<>();
		List<Integer> batches = plan.warmUpBatches(contestant.share);
		for (int batch = 0; batch < batches.size(); batch++) {
			Result result = batch(contestant, "w" + batch, batches.get(batch), false);
			series.add(result.cpuMsPerImage());
			System.out.println(result.line(contestant.label + " warm-up " + (batch + 1) + "/" + batches.size()));
		}
		return series;
	}

	/**
	 * Uploads a batch while the contestant is stopped, continues it, and stops it again
	 * once its queue is empty; then reads the items and removes the batch's objects.
	 */
	private Result batch(Contestant contestant, String phase, int images, boolean splitThreads) throws IOException {
		List<String> imageIds = upload(contestant, phase, images);
		awaitQueued(contestant, images);
		Duration cpuBefore = ProcessCpu.of(contestant.pid);
		Duration localAwsCpuBefore = ProcessCpu.of(this.localAwsPids);
		ThreadCpu threadsBefore = ThreadCpu.of(contestant.pid);
		Instant resumed = Instant.now();
		contestant.resume();
		try {
			awaitEmptyQueue(contestant);
		}
		finally {
			contestant.stop();
		}
		Duration cpu = ProcessCpu.of(contestant.pid).minus(cpuBefore);
		Duration localAwsCpu = ProcessCpu.of(this.localAwsPids).minus(localAwsCpuBefore);
		if (splitThreads) {
			System.out.println("CPU ms/image by thread, " + contestant.label + ": "
					+ ThreadCpu.of(contestant.pid).since(threadsBefore, images));
		}
		Map<String, Instant> completed = completed(contestant, imageIds);
		List<Duration> latencies = completed.values()
			.stream()
			.map((at) -> Duration.between(resumed, at))
			.sorted()
			.toList();
		long outputBytes = removeObjects(contestant, phase);
		// Completion instants come from the contestant's clock, which is this host's.
		return new Result(images, latencies.getLast(), percentile(latencies, 50), percentile(latencies, 99), cpu,
				localAwsCpu, outputBytes);
	}

	/** Nearest rank. */
	static Duration percentile(List<Duration> sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

	/**
	 * Uploads the photos in turn under {@code <phase>/bench/<imageId>.jpg}, with an
	 * imageId shaped as an upload API's ({@code img_} and at least 16 hex digits), so
	 * every contestant takes the stem as the imageId.
	 */
	private List<String> upload(Contestant contestant, String phase, int images) {
		List<String> imageIds = new ArrayList<>();
		String phaseHex = HexFormat.of().formatHex(phase.getBytes(StandardCharsets.US_ASCII));
		for (int image = 0; image < images; image++) {
			String imageId = "img_%s%016x".formatted(phaseHex, image);
			int photo = contestant.uploaded++ % this.photos.size();
			this.s3.putObject((request) -> request.bucket(contestant.names.uploads())
				.key(phase + "/bench/" + imageId + ".jpg")
				.contentType("image/jpeg"), RequestBody.fromBytes(this.photoBytes.get(photo)));
			imageIds.add(imageId);
		}
		return imageIds;
	}

	/**
	 * Until every upload's event is in the queue, waiting or already handed to the
	 * stopped contestant's pending receive.
	 */
	private void awaitQueued(Contestant contestant, int images) {
		Awaitility.await(images + " events queued for " + contestant.label)
			.atMost(Duration.ofMinutes(1))
			.pollInterval(POLL)
			.until(() -> queued(contestant) >= images);
	}

	private void awaitEmptyQueue(Contestant contestant) {
		Awaitility.await("the queue of " + contestant.label + " empty, see " + LOGS)
			.atMost(PATIENCE)
			.pollInterval(POLL)
			.until(() -> {
				if (ProcessHandle.of(contestant.pid).filter(ProcessHandle::isAlive).isEmpty()) {
					throw new IllegalStateException(contestant.label + " exited, see " + LOGS);
				}
				return queued(contestant) == 0;
			});
	}

	/** Messages in the queue, visible or in flight. */
	private int queued(Contestant contestant) {
		Map<String, String> attributes = this.sqs
			.getQueueAttributes((request) -> request.queueUrl(contestant.queueUrl)
				.attributeNamesWithStrings(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES.toString(),
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE.toString()))
			.attributesAsStrings();
		return attributes.values().stream().mapToInt(Integer::parseInt).sum();
	}

	/** Each image's updatedAt; every one must be COMPLETED. */
	private Map<String, Instant> completed(Contestant contestant, List<String> imageIds) {
		Map<String, Instant> completed = new HashMap<>();
		for (Map<String, AttributeValue> item : this.dynamo
			.scanPaginator((request) -> request.tableName(contestant.names.table())
				.projectionExpression("imageId, #status, updatedAt")
				.expressionAttributeNames(Map.of("#status", "status")))
			.items()) {
			String status = item.containsKey(STATUS) ? item.get(STATUS).s() : "";
			if (status.equals("COMPLETED")) {
				completed.put(item.get(IMAGE_ID).s(), Instant.parse(item.get(UPDATED_AT).s()));
			}
		}
		List<String> missing = imageIds.stream().filter((imageId) -> !completed.containsKey(imageId)).toList();
		if (!missing.isEmpty()) {
			throw new IllegalStateException(missing.size() + " of " + imageIds.size() + " images of " + contestant.label
					+ " not COMPLETED, e.g. " + missing.getFirst() + ", see " + LOGS);
		}
		completed.keySet().retainAll(imageIds);
		return completed;
	}

	/**
	 * Deletes a batch's uploads and every output, so the local AWS does not grow with the
	 * run; returns the bytes of the outputs, all of them the batch's.
	 */
	private long removeObjects(Contestant contestant, String phase) {
		removeObjects(contestant.names.uploads(), phase + "/");
		return removeObjects(contestant.names.thumbnails(), "");
	}

	/** Deletes the objects under the prefix; returns their bytes. */
	private long removeObjects(String bucket, String prefix) {
		List<ObjectIdentifier> keys = new ArrayList<>();
		long bytes = 0;
		for (S3Object object : this.s3.listObjectsV2Paginator((request) -> request.bucket(bucket).prefix(prefix))
			.contents()) {
			keys.add(ObjectIdentifier.builder().key(object.key()).build());
			bytes += object.size();
		}
		for (int from = 0; from < keys.size(); from += 1000) {
			List<ObjectIdentifier> chunk = keys.subList(from, Math.min(keys.size(), from + 1000));
			this.s3.deleteObjects((request) -> request.bucket(bucket).delete((delete) -> delete.objects(chunk)));
		}
		return bytes;
	}

}
