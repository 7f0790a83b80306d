package dev.imageworker.reprocess;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Enqueues direct jobs with {@code "reprocess": true} for one selection, on the bulk
 * queue when one is configured (else on the live queue), in batches of ten, at a bounded
 * rate, with progress on the terminal and a checkpoint to resume from:
 *
 * <pre>
 * java -jar image-worker.jar reprocess --prefix=s3://bucket/uploads/   every object under it
 *                                      --failed=CORRUPT_IMAGE,...      FAILED items with these codes
 *                                      --outdated                      COMPLETED items of other variants
 *   [--rate=50] (jobs per second)  [--checkpoint=reprocess.checkpoint]  [--queue=name or URL]
 * </pre>
 */
class ReprocessCommand implements ApplicationRunner {

	private static final int BATCH = 10;

	private static final int SEND_ATTEMPTS = 3;

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

	private final S3Client s3;

	private final DynamoDbClient dynamo;

	private final SqsAsyncClient sqs;

	private final ObjectMapper json;

	private final ImageWorkerProperties properties;

	private final PrintStream out = System.out;

	private int exitCode;

	ReprocessCommand(S3Client s3, DynamoDbClient dynamo, SqsAsyncClient sqs, ObjectMapper json,
			ImageWorkerProperties properties) {
		this.s3 = s3;
		this.dynamo = dynamo;
		this.sqs = sqs;
		this.json = json;
		this.properties = properties;
	}

	int exitCode() {
		return this.exitCode;
	}

	@Override
	public void run(ApplicationArguments arguments) {
		Selection selection = selection(arguments);
		if (selection == null) {
			this.out.println("Usage: reprocess (--prefix=s3://bucket/prefix | --failed=CODE[,CODE...] | --outdated) "
					+ "[--rate=50] [--checkpoint=reprocess.checkpoint] [--queue=name-or-url]");
			this.exitCode = 2;
			return;
		}
		String queue = option(arguments, "queue",
				(this.properties.bulkQueue() != null) ? this.properties.bulkQueue() : this.properties.queue());
		String queueUrl = queue.startsWith("http") ? queue
				: this.sqs.getQueueUrl((request) -> request.queueName(queue)).join().queueUrl();
		Path checkpointFile = Path.of(option(arguments, "checkpoint", "reprocess.checkpoint"));
		int rate = Integer.parseInt(option(arguments, "rate", "50"));
		Checkpoint checkpoint = Checkpoint.load(checkpointFile, selection.describe());
		Progress progress = new Progress(this.out, selection.count(), checkpoint.sent(), PROGRESS_EVERY);
		this.out.printf("Reprocessing %s: %d jobs to %s%s%n", selection.describe(), progress.total(), queue,
				(checkpoint.sent() > 0) ? ", resuming after " + checkpoint.sent() : "");
		RateLimiter limiter = RateLimiter.of("reprocess",
				RateLimiterConfig.custom()
					.limitForPeriod(rate)
					.limitRefreshPeriod(Duration.ofSeconds(1))
					.timeoutDuration(Duration.ofMinutes(1))
					.build());
		String token = checkpoint.page();
		int skip = checkpoint.offset();
		do {
			Selection.Page page = selection.page(token);
			List<Map<String, Object>> jobs = page.jobs();
			for (int from = skip; from < jobs.size(); from += BATCH) {
				List<Map<String, Object>> batch = jobs.subList(from, Math.min(from + BATCH, jobs.size()));
				limiter.acquirePermission(batch.size());
				send(queueUrl, batch);
				checkpoint = checkpoint.sentOnPage(token, from + batch.size(), batch.size());
				checkpoint.save(checkpointFile);
				progress.sent(batch.size());
			}
			token = page.next();
			skip = 0;
			checkpoint = checkpoint.sentOnPage(token, 0, 0);
			checkpoint.save(checkpointFile);
		}
		while (token != null);
		progress.done();
	}

	private @Nullable Selection selection(ApplicationArguments arguments) {
		if (arguments.containsOption("prefix")) {
			String location = option(arguments, "prefix", "");
			if (!location.startsWith("s3://")) {
				return null;
			}
			String path = location.substring("s3://".length());
			int slash = path.indexOf('/');
			return new PrefixSelection(this.s3, (slash < 0) ? path : path.substring(0, slash),
					(slash < 0) ? "" : path.substring(slash + 1));
		}
		if (arguments.containsOption("failed")) {
			List<String> codes = Arrays.stream(option(arguments, "failed", "").split(","))
				.map(String::strip)
				.filter((code) -> !code.isEmpty())
				.toList();
			return codes.isEmpty() ? null : ItemSelection.failed(this.dynamo, this.properties.table(), codes);
		}
		if (arguments.containsOption("outdated")) {
			return ItemSelection.outdated(this.dynamo, this.properties.table(), this.properties.variantsSpec());
		}
		return null;
	}

	/**
	 * Sends one batch, again for the entries SQS refused, and fails when some never go.
	 */
	private void send(String queueUrl, List<Map<String, Object>> batch) {
		List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
		for (int i = 0; i < batch.size(); i++) {
			entries.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(i))
				.messageBody(this.json.writeValueAsString(batch.get(i)))
				.build());
		}
		for (int attempt = 1; !entries.isEmpty(); attempt++) {
			List<SendMessageBatchRequestEntry> pending = entries;
			SendMessageBatchResponse response = this.sqs
				.sendMessageBatch((request) -> request.queueUrl(queueUrl).entries(pending))
				.join();
			List<String> failed = response.failed().stream().map((entry) -> entry.id()).toList();
			if (!failed.isEmpty() && attempt == SEND_ATTEMPTS) {
				throw new IllegalStateException("SQS refused " + failed.size() + " jobs " + SEND_ATTEMPTS + " times: "
						+ response.failed().getFirst().message());
			}
			entries = pending.stream().filter((entry) -> failed.contains(entry.id())).toList();
		}
	}

	private static String option(ApplicationArguments arguments, String name, String fallback) {
		List<String> values = arguments.getOptionValues(name);
		return (values == null || values.isEmpty() || values.getFirst().isEmpty()) ? fallback : values.getFirst();
	}

}
