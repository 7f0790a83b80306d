package dev.imageworker.drills;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import static dev.imageworker.catalog.ItemAttributes.ATTEMPTS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live uploads arriving at a steady rate with the bulk queue empty and with it full of
 * reprocessing jobs: the backfill runs in the gaps of live traffic, so the live uploads'
 * p99 latency (upload to COMPLETED) stays within 20% of the empty queue's, and the
 * backfill makes progress once live traffic pauses. The phases run empty, full, empty
 * (the queue drained between), so that the local AWS slowing as it fills, or the
 * machine's load drifting, weighs on both alike instead of on the later phase. The first
 * live upload after the backfill had the worker to itself may share it with the one bulk
 * job in flight; over 400 uploads that one is below the p99, which is the fourth slowest.
 * The worker's collector must not pause it for class metadata or compiled code, which it
 * once did for 100 ms in the middle of this drill. CI: 400 uploads every 100 ms per state
 * of the queue; {@code -Ddrill.scale=full}: 2,000.
 */
@DrillTest
class BulkQueueDrillIT {

	private static final String BULK_QUEUE = "image-processing-bulk";

	private static final Duration BETWEEN_UPLOADS = Duration.ofMillis(100);

	/** Enough to compile the worker's per-image code before anything is measured. */
	private static final int WARM_UP = 100;

	@Test
	void aFullBulkQueueDoesNotDelayLiveUploads() throws InterruptedException, IOException {
		int uploads = Drill.full() ? 2000 : 400;
		try (Drill drill = new Drill("bulk-queue")) {
			Path gcLog = Drill.OUTPUT.resolve("bulk-queue-gc.log").toAbsolutePath();
			Files.deleteIfExists(gcLog);
			WorkerProcess worker = drill.startWorker(List.of("-Xlog:gc:file=" + gcLog), drill.endpoint(),
					"image-worker.bulk-queue", BULK_QUEUE);
			// Compiled and connected before anything is measured.
			Map<String, String> warmUp = new LinkedHashMap<>();
			live(drill, warmUp, 0, WARM_UP, BETWEEN_UPLOADS.dividedBy(2));
			drill.await(warmUp, Duration.ofMinutes(5));
			Map<String, String> idle = new LinkedHashMap<>();
			Map<String, Instant> idleSent = live(drill, idle, WARM_UP, uploads / 2, BETWEEN_UPLOADS);
			List<Duration> idleLatencies = latencies(drill, idle, idleSent);

			int backfill = Drill.full() ? 2500 : 500;
			enqueueReprocessing(drill, idle.keySet(), backfill);
			// The backfill has the worker to itself for a moment before live uploads
			// resume.
			Drill.sleep(Duration.ofSeconds(3));
			long renderedBefore = rendered(drill, idle);
			Map<String, String> busy = new LinkedHashMap<>();
			Map<String, Instant> busySent = live(drill, busy, WARM_UP + uploads / 2, uploads, BETWEEN_UPLOADS);
			List<Duration> busyLatencies = latencies(drill, busy, busySent);
			long renderedDuringLive = rendered(drill, idle) - renderedBefore;
			// A pause in live traffic, which the backfill should use.
			Drill.sleep(Duration.ofSeconds(10));
			long renderedAfterLive = rendered(drill, idle) - renderedBefore - renderedDuringLive;
			int drained = drain(drill);
			// The bulk jobs the worker held when the queue emptied finish before the
			// second
			// empty phase.
			Drill.sleep(Duration.ofSeconds(3));
			Map<String, String> idleAgain = new LinkedHashMap<>();
			Map<String, Instant> idleAgainSent = live(drill, idleAgain, WARM_UP + uploads / 2 + uploads,
					uploads - uploads / 2, BETWEEN_UPLOADS);
			List<Duration> idleAgainLatencies = latencies(drill, idleAgain, idleAgainSent);
			Duration firstIdleP99 = percentile(idleLatencies, 99);
			idleLatencies.addAll(idleAgainLatencies);
			idleLatencies.sort(null);
			Drill.Tally tally = drill.tally(busy);
			worker.terminate(Duration.ofSeconds(60));

			Duration idleP99 = percentile(idleLatencies, 99);
			Duration busyP99 = percentile(busyLatencies, 99);
			drill.report(tally, String.format(
					"live uploads every %d ms: p50 %d / p99 %d ms with the bulk queue empty (p99 %d ms before, %d ms after "
							+ "the full phase), p50 %d / p99 %d ms with "
							+ "%d reprocessing jobs queued (%.2fx); backfill rendered %d during the live run, %d in the "
							+ "10 s after, %d left and drained",
					BETWEEN_UPLOADS.toMillis(), percentile(idleLatencies, 50).toMillis(), idleP99.toMillis(),
					firstIdleP99.toMillis(), percentile(idleAgainLatencies, 99).toMillis(),
					percentile(busyLatencies, 50).toMillis(), busyP99.toMillis(), backfill,
					busyP99.toNanos() / (double) idleP99.toNanos(), renderedDuringLive, renderedAfterLive, drained));
			assertThat(tally.completed()).isEqualTo(uploads);
			assertThat(busyP99).as("live p99 with a full bulk queue").isLessThanOrEqualTo(multiplied(idleP99, 1.2));
			assertThat(renderedAfterLive).as("backfill progress once live traffic pauses").isPositive();
			assertThat(Files.readAllLines(gcLog)).as("full collections in " + gcLog)
				.filteredOn((line) -> line.contains("Pause Full"))
				.noneMatch((line) -> line.contains("Metadata GC Threshold") || line.contains("CodeCache GC Threshold"));
		}
	}

	/** Uploads at a steady rate; returns when each upload was sent. */
	private static Map<String, Instant> live(Drill drill, Map<String, String> expected, int first, int uploads,
			Duration between) {
		Map<String, Instant> sent = new LinkedHashMap<>();
		for (int n = 0; n < uploads; n++) {
			String imageId = drill.upload(first + n, Drill.Upload.SMALL);
			sent.put(imageId, Instant.now());
			expected.put(imageId, "COMPLETED");
			Drill.sleep(between);
		}
		return sent;
	}

	private static List<Duration> latencies(Drill drill, Map<String, String> expected, Map<String, Instant> sent) {
		drill.await(expected, Duration.ofMinutes(5));
		List<Duration> latencies = new ArrayList<>();
		drill.items(expected)
			.forEach((imageId, item) -> latencies
				.add(Duration.between(sent.get(imageId), Instant.parse(item.get(UPDATED_AT).s()))));
		latencies.sort(null);
		return latencies;
	}

	/** Direct jobs that render the given images again, as the reprocess command sends. */
	private static void enqueueReprocessing(Drill drill, Iterable<String> imageIds, int jobs) {
		String url = drill.sqs.getQueueUrl((request) -> request.queueName(BULK_QUEUE)).queueUrl();
		List<String> keys = new ArrayList<>();
		imageIds.forEach((imageId) -> keys.add("uploads/drill/" + imageId + ".jpg"));
		List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
		for (int n = 0; n < jobs; n++) {
			batch.add(SendMessageBatchRequestEntry.builder()
				.id(Integer.toString(batch.size()))
				.messageBody("{\"bucket\":\"%s\",\"s3Key\":\"%s\",\"reprocess\":true}".formatted(Drill.BUCKET,
						keys.get(n % keys.size())))
				.build());
			if (batch.size() == 10 || n == jobs - 1) {
				List<SendMessageBatchRequestEntry> entries = List.copyOf(batch);
				drill.sqs.sendMessageBatch((request) -> request.queueUrl(url).entries(entries));
				batch.clear();
			}
		}
	}

	/** Receives and deletes what is left on the bulk queue; returns how many. */
	private static int drain(Drill drill) {
		String url = drill.sqs.getQueueUrl((request) -> request.queueName(BULK_QUEUE)).queueUrl();
		int drained = 0;
		List<Message> messages;
		do {
			messages = drill.sqs.receiveMessage((
					request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(0).visibilityTimeout(600))
				.messages();
			List<DeleteMessageBatchRequestEntry> entries = messages.stream()
				.map((message) -> DeleteMessageBatchRequestEntry.builder()
					.id(message.messageId())
					.receiptHandle(message.receiptHandle())
					.build())
				.toList();
			if (!entries.isEmpty()) {
				drill.sqs.deleteMessageBatch((request) -> request.queueUrl(url).entries(entries));
			}
			drained += messages.size();
		}
		while (!messages.isEmpty());
		return drained;
	}

	/** Renders of the given images beyond their first, that is, the backfill's. */
	private static long rendered(Drill drill, Map<String, String> images) {
		return drill.items(images)
			.values()
			.stream()
			.map((item) -> item.get(ATTEMPTS))
			.mapToLong((attempts) -> Long.parseLong(attempts.n()) - 1)
			.sum();
	}

	private static Duration percentile(List<Duration> sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

	private static Duration multiplied(Duration duration, double factor) {
		return Duration.ofNanos((long) (duration.toNanos() * factor));
	}

}
