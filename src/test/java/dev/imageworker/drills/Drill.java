package dev.imageworker.drills;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import static dev.imageworker.catalog.ItemAttributes.ATTEMPTS;
import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.STATUS;

/**
 * One drill's world: its own moto_server (so drills never see each other's state), the
 * SDK clients that drive it, uploads with known expected outcomes, and the final tally.
 * {@code -Ddrill.scale=full} runs the figures quoted in docs/benchmarks.md; the default
 * is the short CI version.
 */
final class Drill implements AutoCloseable {

	static final String BUCKET = "image-uploads";

	static final String TABLE = "image-metadata";

	static final Path OUTPUT = Path.of("target", "drills");

	/** Kept short so a message in flight on a killed worker returns quickly. */
	static final String VISIBILITY_TIMEOUT = "10s";

	private final String name;

	private final LocalAws aws;

	final S3Client s3;

	final DynamoDbClient dynamo;

	final SqsClient sqs;

	private final long started = System.nanoTime();

	Drill(String name) {
		this.name = name;
		this.aws = LocalAws.startMoto();
		this.s3 = this.aws.s3();
		this.dynamo = this.aws.dynamo();
		this.sqs = this.aws.sqs();
	}

	static boolean full() {
		return "full".equals(System.getProperty("drill.scale"));
	}

	URI endpoint() {
		return this.aws.endpoint();
	}

	Path log() {
		return OUTPUT.resolve(this.name + "-worker.log");
	}

	/** The worker's properties, pointed at the given endpoint (moto or a proxy to it). */
	Map<String, String> workerProperties(URI endpoint, String... extra) {
		Map<String, String> properties = new LinkedHashMap<>(this.aws.springProperties());
		properties.put("spring.cloud.aws.endpoint", endpoint.toString());
		properties.put("image-worker.processing.visibility-timeout", VISIBILITY_TIMEOUT);
		properties.put("image-worker.processing.retry-backoff", "2s");
		for (int i = 0; i + 1 < extra.length; i += 2) {
			properties.put(extra[i], extra[i + 1]);
		}
		return properties;
	}

	WorkerProcess startWorker(URI endpoint, String... extra) {
		return startWorker(List.of(), endpoint, extra);
	}

	/** The worker with JVM options after the image's, such as a GC log. */
	WorkerProcess startWorker(List<String> jvmOptions, URI endpoint, String... extra) {
		return WorkerProcess.start(workerProperties(endpoint, extra), jvmOptions, log());
	}

	/**
	 * Uploads {@code count} images to {@code uploads/drill/img_<n in 16 hex digits>.jpg},
	 * keys an upload API would choose, so the stem is the imageId.
	 * @return imageId to the expected final state: COMPLETED or a failure code
	 */
	Map<String, String> upload(int count, IntFunction<Upload> kind) {
		Map<String, String> expected = new LinkedHashMap<>();
		for (int n = 0; n < count; n++) {
			Upload upload = kind.apply(n);
			expected.put(upload(n, upload), upload.expected());
		}
		return expected;
	}

	/**
	 * Uploads image number {@code n} to
	 * {@code uploads/drill/img_<n in 16 hex digits>.jpg}.
	 * @return its imageId
	 */
	String upload(int n, Upload upload) {
		String imageId = "img_%016x".formatted(n);
		this.s3.putObject((request) -> request.bucket(BUCKET).key("uploads/drill/" + imageId + ".jpg"),
				RequestBody.fromBytes(upload.bytes()));
		return imageId;
	}

	/** The catalogue items of the given images, by imageId. */
	Map<String, Map<String, AttributeValue>> items(Map<String, String> expected) {
		Map<String, Map<String, AttributeValue>> items = new HashMap<>();
		this.dynamo.scanPaginator((request) -> request.tableName(TABLE).consistentRead(true))
			.items()
			.forEach((item) -> {
				String imageId = item.get(IMAGE_ID).s();
				if (expected.containsKey(imageId)) {
					items.put(imageId, item);
				}
			});
		return items;
	}

	long settled(Map<String, String> expected) {
		return items(expected).values().stream().filter(Drill::isFinal).count();
	}

	/**
	 * Waits until every image is final and the queue is empty, then tallies; past the
	 * patience, the tally counts what is missing.
	 */
	Tally await(Map<String, String> expected, Duration patience) {
		try {
			Awaitility.await(this.name + ": every upload final and the queue empty")
				.atMost(patience)
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> settled(expected) == expected.size() && backlog() == 0);
		}
		catch (ConditionTimeoutException ex) {
			// The tally shows what is lost or stuck.
		}
		return tally(expected);
	}

	/**
	 * Waits until at least {@code count} of the images are final, or the worker is gone.
	 */
	void awaitSettled(Map<String, String> expected, long count, WorkerProcess worker) {
		Awaitility.await(this.name + ": " + count + " uploads final")
			.atMost(Duration.ofMinutes(5))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> settled(expected) >= count || !worker.isAlive());
	}

	Tally tally(Map<String, String> expected) {
		Map<String, Map<String, AttributeValue>> items = items(expected);
		int completed = 0;
		int failedAsExpected = 0;
		int wrong = 0;
		int missing = 0;
		int duplicates = 0;
		for (Map.Entry<String, String> entry : expected.entrySet()) {
			Map<String, AttributeValue> item = items.get(entry.getKey());
			if (item == null || !isFinal(item)) {
				missing++;
				continue;
			}
			duplicates += Integer.parseInt(item.get(ATTEMPTS).n()) - 1;
			String actual = "COMPLETED".equals(item.get(STATUS).s()) ? "COMPLETED"
					: item.get(ERROR).m().get(ERROR_CODE).s();
			if (!actual.equals(entry.getValue())) {
				wrong++;
			}
			else if ("COMPLETED".equals(actual)) {
				completed++;
			}
			else {
				failedAsExpected++;
			}
		}
		return new Tally(expected.size(), completed, failedAsExpected, wrong, missing, duplicates, deadLetters(),
				Duration.ofNanos(System.nanoTime() - this.started));
	}

	int backlog() {
		Map<QueueAttributeName, String> attributes = queueAttributes("image-processing-queue");
		return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
				+ Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
	}

	int deadLetters() {
		return Integer
			.parseInt(queueAttributes("image-processing-dlq").get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
	}

	/**
	 * Receives what the dead-letter queue holds, with the failure attributes, once the
	 * drill is over: receiving hides the messages for a minute.
	 */
	List<Message> receiveDeadLetters() {
		String url = this.sqs.getQueueUrl((request) -> request.queueName("image-processing-dlq")).queueUrl();
		List<Message> received = new ArrayList<>();
		List<Message> batch;
		do {
			batch = this.sqs
				.receiveMessage((request) -> request.queueUrl(url)
					.maxNumberOfMessages(10)
					.messageAttributeNames("All")
					.visibilityTimeout(60)
					.waitTimeSeconds(1))
				.messages();
			received.addAll(batch);
		}
		while (!batch.isEmpty());
		return received;
	}

	private Map<QueueAttributeName, String> queueAttributes(String queue) {
		String url = this.sqs.getQueueUrl((request) -> request.queueName(queue)).queueUrl();
		return this.sqs
			.getQueueAttributes((request) -> request.queueUrl(url)
				.attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
			.attributes();
	}

	private static boolean isFinal(Map<String, AttributeValue> item) {
		// moto may show an item being created before its attributes are written.
		String status = item.containsKey(STATUS) ? item.get(STATUS).s() : "";
		return "COMPLETED".equals(status) || "FAILED".equals(status);
	}

	/** Prints the drill's figures and appends them to target/drills/figures.md. */
	void report(Tally tally, String extra) {
		String header = "| drill | uploads | completed | failed as expected | wrong | lost | duplicates rendered | DLQ | wall time | other |";
		String row = String.format("| %s | %d | %d | %d | %d | %d | %d | %d | %d s | %s |", this.name, tally.uploads(),
				tally.completed(), tally.failedAsExpected(), tally.wrong(), tally.missing(), tally.duplicates(),
				tally.deadLetters(), tally.elapsed().toSeconds(), extra);
		System.out.printf("%n%s%n%s%n%s%n%n", header, header.replaceAll("[^|]", "-"), row);
		try {
			Files.createDirectories(OUTPUT);
			Files.writeString(OUTPUT.resolve("figures.md"), row + System.lineSeparator(), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A pause that is part of the scenario (the pace of uploads, how long an outage
	 * lasts), never a wait for something to happen: that is Awaitility's.
	 */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.s3.close();
		this.dynamo.close();
		this.sqs.close();
	}

	/**
	 * One upload and what should become of it.
	 *
	 * @param bytes the object
	 * @param expected COMPLETED or a failure code
	 */
	record Upload(byte[] bytes, String expected) {

		static final Upload SMALL = new Upload(SampleImages.jpeg(800, 600), "COMPLETED");

		static final Upload MEDIUM = new Upload(SampleImages.jpeg(2400, 1600), "COMPLETED");

		static final Upload CORRUPT = new Upload(SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.4),
				"CORRUPT_IMAGE");

		/** Mostly small, some medium, every 25th broken. */
		static Upload mixed(int n) {
			return (n % 25 == 24) ? CORRUPT : (n % 5 == 0) ? MEDIUM : SMALL;
		}

	}

	/**
	 * The end state of a drill's uploads.
	 *
	 * @param uploads images uploaded
	 * @param completed images COMPLETED as expected
	 * @param failedAsExpected images FAILED with the expected code
	 * @param wrong images in a final state other than expected
	 * @param missing images not in a final state: lost or stuck
	 * @param duplicates renders beyond the first, summed over all images
	 * @param deadLetters messages in the dead-letter queue
	 * @param elapsed since the drill started
	 */
	record Tally(int uploads, int completed, int failedAsExpected, int wrong, int missing, int duplicates,
			int deadLetters, Duration elapsed) {
	}

}
