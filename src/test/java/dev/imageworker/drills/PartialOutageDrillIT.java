package dev.imageworker.drills;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import dev.imageworker.support.DrillTest;
import dev.imageworker.support.FaultProxy;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 answers 503, then DynamoDB throttles, while uploads keep arriving; SQS keeps
 * working. The worker's breaker opens, it stops receiving instead of failing what
 * arrives, probes the downstream and resumes when it answers: every upload completes,
 * nothing is dead-lettered, and no message is received more than twice. CI: 20 s outages
 * with 10 uploads each; {@code -Ddrill.scale=full}: 5 minutes with 200.
 */
@DrillTest
class PartialOutageDrillIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void workerPausesThroughS3AndDynamoDbOutagesAndLosesNothing() throws Exception {
		int uploads = Drill.full() ? 200 : 10;
		Duration outage = Duration.ofSeconds(Drill.full() ? 300 : 20);
		AtomicBoolean s3Down = new AtomicBoolean();
		AtomicBoolean dynamoThrottles = new AtomicBoolean();
		Map<String, Integer> receives = new ConcurrentHashMap<>();
		try (Drill drill = new Drill("partial-outage"); FaultProxy proxy = new FaultProxy(drill.endpoint())) {
			proxy.failNext(s3(s3Down), Integer.MAX_VALUE);
			proxy.answerNext(dynamoDb(dynamoThrottles), FaultProxy.Answer.THROTTLED, Integer.MAX_VALUE);
			proxy.observeResponses((request, response) -> countReceives(response, receives));
			// The production backoff: the drill's short one would spend receives faster
			// than an outage does.
			WorkerProcess worker = drill.startWorker(proxy.endpoint(), "image-worker.processing.retry-backoff", "30s");

			Map<String, String> expected = new LinkedHashMap<>();
			String s3 = phase(drill, worker, s3Down, expected, uploads, outage);
			String dynamo = phase(drill, worker, dynamoThrottles, expected, uploads, outage);

			Drill.Tally tally = drill.tally(expected);
			int maxReceives = receives.values().stream().mapToInt(Integer::intValue).max().orElse(0);
			boolean alive = worker.isAlive();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format(
							"S3 503 for %d s: %s; DynamoDB throttling for %d s: %s; at most %d "
									+ "receives of a message",
							outage.toSeconds(), s3, outage.toSeconds(), dynamo, maxReceives));
			assertThat(alive).isTrue();
			assertThat(tally.completed()).isEqualTo(2 * uploads);
			assertThat(tally.deadLetters()).as("dead-lettered").isZero();
			assertThat(tally.wrong()).as("FAILED, each with a FAILED event").isZero();
			assertThat(maxReceives).as("receives of one message").isLessThanOrEqualTo(2);
		}
	}

	/**
	 * Starts an outage, uploads while it lasts, ends it and waits until the uploads are
	 * settled.
	 * @return what readiness answered during the outage and how long recovery took
	 */
	private static String phase(Drill drill, WorkerProcess worker, AtomicBoolean down, Map<String, String> expected,
			int uploads, Duration outage) {
		down.set(true);
		long start = System.nanoTime();
		Map<Integer, Integer> readiness = new ConcurrentHashMap<>();
		for (int n = 0; n < uploads; n++) {
			expected.put(drill.upload(expected.size(), Drill.Upload.SMALL), "COMPLETED");
			// Uploads keep arriving, spread over the outage.
			Drill.sleep(outage.dividedBy(uploads));
			readiness.merge(worker.status("/readyz"), 1, Integer::sum);
		}
		while (System.nanoTime() - start < outage.toNanos()) {
			readiness.merge(worker.status("/readyz"), 1, Integer::sum);
			// The outage lasts its length, sampled every second.
			Drill.sleep(Duration.ofSeconds(1));
		}
		down.set(false);
		long restored = System.nanoTime();
		drill.await(expected, Duration.ofMinutes(Drill.full() ? 15 : 3));
		return String.format("readiness %s (status: samples), settled %.0f s after it ended", readiness,
				(System.nanoTime() - restored) / 1e9);
	}

	/** Source GETs and the probe's HeadBucket of the upload bucket. */
	private static Predicate<FaultProxy.Request> s3(AtomicBoolean down) {
		return (request) -> down.get() && request.path().startsWith("/" + Drill.BUCKET)
				&& (request.method().equals("GET") || request.method().equals("HEAD"));
	}

	/** Every call on the table. */
	private static Predicate<FaultProxy.Request> dynamoDb(AtomicBoolean down) {
		return (request) -> down.get() && request.body().contains("\"TableName\"");
	}

	/** Notes the highest ApproximateReceiveCount SQS handed out for each message. */
	private static void countReceives(byte[] response, Map<String, Integer> receives) {
		if (response.length == 0 || response[0] != '{') {
			return;
		}
		JsonNode messages = json.readTree(response).path("Messages");
		for (JsonNode message : messages) {
			String count = message.path("Attributes").path("ApproximateReceiveCount").asString(null);
			if (count != null) {
				receives.merge(message.path("MessageId").asString(), Integer.parseInt(count), Math::max);
			}
		}
	}

}
