package dev.imageworker.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

import dev.imageworker.drills.WorkerProcess;
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

/**
 * Uploads real photos to one local AWS and measures, per contestant, how fast every
 * upload reaches COMPLETED: the packaged worker as a process (one run per engine) and a
 * plain boto3 + Pillow worker with two threads ({@code bench/peer_worker.py}) as the
 * yardstick. Each contestant gets fresh resources, a warm-up round that is not counted,
 * then the measured uploads. Prints one RESULT line per contestant, a table, and last
 * {@code end-to-end-vs-peer: <ratio>} (the fastest engine's median images/s over the
 * peer's), preceded by {@code end-to-end-vs-peer-full: <ratio>} when the peer also ran as
 * {@code peer-full}: the same peer making the worker's other requests per image too
 * (claim, conditional completion, SNS event and its mark), which compares the two for the
 * same work. The table goes to {@code target/end-to-end/report.md} too, and beside it
 * {@code chart.svg} shows each run's images/s and CPU per image.
 * <p>
 * Arguments: photo directory, measured rounds over the photos, warm-up rounds, and the
 * contestants: {@code peer}, {@code peer-full}, or an engine ({@code vips}, {@code java})
 * optionally followed by worker settings or JVM options to try, each after a comma, e.g.
 * {@code vips,processing.prefetch=0} or {@code vips,-XX:TieredStopAtLevel=1}. A
 * contestant named again runs again ({@code vips#2}), for alternating runs.
 */
public final class EndToEndBenchmark {

	private static final Duration PATIENCE = Duration.ofMinutes(10);

	private static final Duration POLL = Duration.ofSeconds(2);

	private static final Path LOGS = Path.of("target", "end-to-end");

	private static final String PEER = "peer";

	private static final String PEER_FULL = "peer-full";

	private final LocalAws aws;

	private final S3Client s3;

	private final SqsClient sqs;

	private final DynamoDbClient dynamo;

	private final SnsClient sns;

	private final List<Path> photos;

	private EndToEndBenchmark(LocalAws aws, List<Path> photos) {
		this.aws = aws;
		this.s3 = aws.s3();
		this.sqs = aws.sqs();
		this.dynamo = aws.dynamo();
		this.sns = aws.sns();
		this.photos = photos;
	}

	public static void main(String[] args) throws Exception {
		Path directory = Path.of(args[0]);
		int rounds = Integer.parseInt(args[1]);
		int warmUp = Integer.parseInt(args[2]);
		List<String> contestants = List.of(args).subList(3, args.length);
		List<Path> photos;
		try (Stream<Path> files = Files.list(directory)) {
			photos = files.filter((file) -> file.toString().endsWith(".jpg")).sorted().toList();
		}
		EndToEndBenchmark benchmark = new EndToEndBenchmark(LocalAws.startMoto(), photos);
		System.out.printf("photos: %d JPEGs in %s; warm-up %d round(s), measured %d round(s) = %d uploads%n",
				photos.size(), directory, warmUp, rounds, rounds * photos.size());
		Map<String, Result> results = new LinkedHashMap<>();
		for (String contestant : contestants) {
			// A contestant named again runs again on fresh resources, so that settings
			// can be compared in alternating runs.
			String label = contestant;
			for (int run = 2; results.containsKey(label); run++) {
				label = contestant + "#" + run;
			}
			Result result = benchmark.run(label, warmUp, rounds);
			results.put(label, result);
			System.out.println(result.line(label));
		}
		List<String> report = report(results);
		Files.write(LOGS.resolve("report.md"), report);
		String title = String.format(Locale.ROOT, "End-to-end benchmark %s: %d uploads per run after %d warm-up",
				LocalDate.now(), rounds * photos.size(), warmUp * photos.size());
		Path chart = BenchmarkChart.write(LOGS.resolve("chart.svg"), title, chartBars(results));
		// Before the table: the ratio stays the last line, which is what scripts read.
		System.out.println("report: " + LOGS.resolve("report.md").toAbsolutePath().toUri() + ", chart: "
				+ chart.toAbsolutePath().toUri());
		report.forEach(System.out::println);
		System.exit(0);
	}

	/** One bar per run, in the order they ran. */
	static List<BenchmarkChart.Bar> chartBars(Map<String, Result> results) {
		return results.entrySet()
			.stream()
			.map((entry) -> new BenchmarkChart.Bar(entry.getKey(), isPeer(contestantOf(entry.getKey())),
					entry.getValue().imagesPerSecond(),
					entry.getValue().cpu().toMillis() / (double) entry.getValue().images()))
			.toList();
	}

	/**
	 * The table and the ratio of the fastest engine's images/s to the peer's. A
	 * contestant that ran more than once is compared by its median run, and each row's
	 * ratio is to the peer's median: the machine is shared and the runs vary.
	 */
	static List<String> report(Map<String, Result> results) {
		Map<String, List<Double>> runs = new LinkedHashMap<>();
		results.forEach((label, result) -> runs.computeIfAbsent(contestantOf(label), (name) -> new ArrayList<>())
			.add(result.imagesPerSecond()));
		double peer = runs.containsKey(PEER) ? median(runs.get(PEER)) : Double.NaN;
		List<String> lines = new ArrayList<>();
		lines.add(
				"| contestant | images/s | p50 latency s | p99 latency s | CPU ms/image | local AWS CPU ms/image | peak RSS MiB | vs peer |");
		lines.add("|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Map.Entry<String, Result> entry : results.entrySet()) {
			Result result = entry.getValue();
			lines.add(String.format("| %s | %.2f | %.1f | %.1f | %d | %d | %d | %s |", entry.getKey(),
					result.imagesPerSecond(), result.p50().toMillis() / 1000.0, result.p99().toMillis() / 1000.0,
					result.cpu().toMillis() / result.images(), result.localAwsCpu().toMillis() / result.images(),
					result.peakRssMib(),
					Double.isNaN(peer) ? "no peer" : String.format("%.2fx", result.imagesPerSecond() / peer)));
		}
		double best = runs.entrySet()
			.stream()
			.filter((entry) -> !isPeer(entry.getKey()))
			.mapToDouble((entry) -> median(entry.getValue()))
			.max()
			.orElse(Double.NaN);
		if (Double.isNaN(best)) {
			return lines;
		}
		if (runs.containsKey(PEER_FULL)) {
			lines.add(String.format("end-to-end-vs-peer-full: %.2f", best / median(runs.get(PEER_FULL))));
		}
		if (!Double.isNaN(peer)) {
			lines.add(String.format("end-to-end-vs-peer: %.2f", best / peer));
		}
		return lines;
	}

	private static boolean isPeer(String contestant) {
		return contestant.equals(PEER) || contestant.equals(PEER_FULL);
	}

	/** The contestant a run's label names: {@code vips#2} is the second run of vips. */
	static String contestantOf(String label) {
		int run = label.lastIndexOf('#');
		return (run < 0) ? label : label.substring(0, run);
	}

	static double median(List<Double> values) {
		List<Double> sorted = values.stream().sorted().toList();
		int middle = sorted.size() / 2;
		return (sorted.size() % 2 == 1) ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
	}

	/**
	 * Throughput is measured uploads over the time from the first upload starting to the
	 * last item completing; latency is from each upload returning to its item's
	 * {@code updatedAt}.
	 */
	record Result(int images, Duration elapsed, Duration p50, Duration p99, long peakRssMib, Duration cpu,
			Duration localAwsCpu) {

		double imagesPerSecond() {
			return this.images / (this.elapsed.toMillis() / 1000.0);
		}

		String line(String contestant) {
			return String.format(
					"RESULT %s images=%d seconds=%.1f images_per_s=%.2f p50_s=%.1f p99_s=%.1f rss_mib=%d"
							+ " cpu_ms_per_image=%d local_aws_cpu_ms_per_image=%d",
					contestant, this.images, this.elapsed.toMillis() / 1000.0, imagesPerSecond(),
					this.p50().toMillis() / 1000.0, this.p99().toMillis() / 1000.0, this.peakRssMib,
					this.cpu.toMillis() / this.images, this.localAwsCpu.toMillis() / this.images);
		}

	}

	/** Resource names of one contestant, so no run sees another's queue or items. */
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
			// Bucket and queue names allow lower-case letters, digits and hyphens in
			// common, and a bucket name at most 63 characters.
			String name = contestant.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
			if (name.length() > 24) {
				name = name.substring(0, 15) + "-" + Integer.toHexString(contestant.hashCode());
			}
			String prefix = "e2e-" + name + "-";
			return new Names(prefix + "queue", prefix + "dlq", prefix + "uploads", prefix + "thumbnails",
					prefix + "metadata", prefix + "events");
		}

	}

	private Result run(String label, int warmUp, int rounds) throws Exception {
		String contestant = contestantOf(label);
		Names names = Names.of(label);
		Files.createDirectories(LOGS);
		Path log = LOGS.resolve(label + ".log");
		Files.deleteIfExists(log);
		if (isPeer(contestant)) {
			// The resources the worker creates for itself with the same names.
			LocalResources.provision(this.aws, TestProperties.bind(names.settings()));
			String queueUrl = this.sqs.getQueueUrl((request) -> request.queueName(names.queue())).queueUrl();
			List<String> command = new ArrayList<>(List.of("/usr/bin/python3", "bench/peer_worker.py",
					this.aws.endpoint().toString(), queueUrl, names.thumbnails(), names.table(), "2"));
			if (contestant.equals(PEER_FULL)) {
				command.add(this.sns.createTopic((request) -> request.name(names.topic())).topicArn());
			}
			Process peer = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
			try {
				return measure(names, warmUp, rounds, peer.pid(), () -> PeakRss.kib(peer.pid()) / 1024);
			}
			finally {
				peer.destroy();
			}
		}
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		String[] engineAndSettings = contestant.split(",");
		properties.put("image-worker.engine", engineAndSettings[0]);
		List<String> jvmOptions = new ArrayList<>();
		for (String setting : List.of(engineAndSettings).subList(1, engineAndSettings.length)) {
			if (setting.startsWith("-")) {
				jvmOptions.add(setting);
			}
			else {
				String[] nameAndValue = setting.split("=", 2);
				properties.put("image-worker." + nameAndValue[0], nameAndValue[1]);
			}
		}
		names.settings().forEach((name, value) -> properties.put("image-worker." + name, value));
		try (WorkerProcess worker = WorkerProcess.start(properties, jvmOptions, log)) {
			Result result = measure(names, warmUp, rounds, worker.pid(), () -> worker.peakRssKib() / 1024);
			// A clean stop, so a flight recording given through JAVA_TOOL_OPTIONS is
			// written.
			worker.terminate(Duration.ofSeconds(30));
			return result;
		}
	}

	private Result measure(Names names, int warmUp, int rounds, long pid, LongSupplier peakRssMib) throws Exception {
		if (warmUp > 0) {
			awaitCompleted(names, upload(names, "warmup", warmUp), pid);
		}
		Duration cpuBefore = cpu(pid);
		ThreadCpu threadsBefore = ThreadCpu.of(pid);
		Duration localAwsCpuBefore = localAwsCpu();
		Instant started = Instant.now();
		Map<String, Instant> uploaded = upload(names, "measured", rounds);
		Map<String, Instant> completed = awaitCompleted(names, uploaded, pid);
		// Completion instants come from the contestant's clock, which is this host's.
		Duration elapsed = Duration.between(started, completed.values().stream().max(Instant::compareTo).orElseThrow());
		List<Duration> latencies = new ArrayList<>();
		uploaded.forEach((imageId, at) -> latencies.add(Duration.between(at, completed.get(imageId))));
		latencies.sort(Duration::compareTo);
		System.out.println("CPU ms/image by thread: " + ThreadCpu.of(pid).since(threadsBefore, uploaded.size()));
		return new Result(uploaded.size(), elapsed, percentile(latencies, 50), percentile(latencies, 99),
				peakRssMib.getAsLong(), cpu(pid).minus(cpuBefore), localAwsCpu().minus(localAwsCpuBefore));
	}

	/** Nearest rank. */
	static Duration percentile(List<Duration> sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

	/**
	 * Uploads every photo per round under {@code <phase>/bench/<imageId>.jpg}, with an
	 * imageId shaped as an upload API's ({@code img_} and hex), so both contestants take
	 * the stem as the imageId.
	 */
	private Map<String, Instant> upload(Names names, String phase, int rounds) throws IOException {
		Map<String, Instant> uploaded = new LinkedHashMap<>();
		for (int round = 0; round < rounds; round++) {
			for (int photo = 0; photo < this.photos.size(); photo++) {
				String imageId = "img_%s%04x%04x"
					.formatted(HexFormat.of().formatHex(phase.getBytes(StandardCharsets.US_ASCII)), round, photo);
				byte[] bytes = Files.readAllBytes(this.photos.get(photo));
				this.s3.putObject((request) -> request.bucket(names.uploads())
					.key(phase + "/bench/" + imageId + ".jpg")
					.contentType("image/jpeg"), RequestBody.fromBytes(bytes));
				uploaded.put(imageId, Instant.now());
			}
		}
		return uploaded;
	}

	/**
	 * Polls the table until every upload is COMPLETED; returns each updatedAt. Stops when
	 * the contestant's process is gone.
	 */
	private Map<String, Instant> awaitCompleted(Names names, Map<String, Instant> uploaded, long pid) {
		Map<String, Instant> completed = new ConcurrentHashMap<>();
		// A scan costs the local AWS CPU the contestant needs, so it is seldom; the
		// figures come from updatedAt, not from when the scan sees them.
		Awaitility.await("every upload COMPLETED, see " + LOGS).atMost(PATIENCE).pollInterval(POLL).until(() -> {
			if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
				throw new IllegalStateException("the contestant exited, see " + LOGS);
			}
			for (Map<String, AttributeValue> item : this.dynamo
				.scanPaginator((request) -> request.tableName(names.table())
					.projectionExpression("imageId, #status, updatedAt")
					.expressionAttributeNames(Map.of("#status", "status")))
				.items()) {
				String imageId = item.get("imageId").s();
				// The worker writes the status with its claim, an instant after the
				// item.
				String status = item.containsKey("status") ? item.get("status").s() : "";
				if (uploaded.containsKey(imageId) && status.equals("COMPLETED")) {
					completed.put(imageId, Instant.parse(item.get("updatedAt").s()));
				}
				else if (uploaded.containsKey(imageId) && status.equals("FAILED")) {
					throw new IllegalStateException(imageId + " FAILED, see " + LOGS);
				}
			}
			return completed.size() == uploaded.size();
		});
		return completed;
	}

	/** The CPU time of moto_server and whatever it started. */
	private static Duration localAwsCpu() {
		return ProcessHandle.current()
			.descendants()
			.filter((process) -> process.info().commandLine().orElse("").contains("moto"))
			.map((process) -> cpu(process.pid()))
			.reduce(Duration.ZERO, Duration::plus);
	}

	/** User and system CPU time of a process, including the threads that ended. */
	private static Duration cpu(long pid) {
		return ProcessHandle.of(pid)
			.flatMap((process) -> process.info().totalCpuDuration())
			.orElseThrow(() -> new IllegalStateException("no CPU time for process " + pid));
	}

}
