package dev.imageworker.scaling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;
import dev.imageworker.ingest.InFlightTracker;
import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Task scale-in protection against a stand-in for the ECS agent's endpoint: on while the
 * worker holds messages, off once it has been idle for the grace, never re-set while one
 * protection lapses under a busy worker, retried after failures, and nothing at all
 * without {@code ECS_AGENT_URI}.
 */
class TaskScaleInProtectionTests {

	private static final Duration GRACE = Duration.ofMillis(300);

	private final AgentStandIn agent = new AgentStandIn();

	private final InFlightTracker tracker = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	private TaskScaleInProtection protection;

	@AfterEach
	void stop() {
		if (this.protection != null) {
			this.protection.destroy();
		}
		this.agent.stop();
	}

	@Test
	void protectsWhileMessagesAreHeldAndClearsOnceIdle() {
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3))
			.until(() -> this.agent.requests().equals(List.of("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":30}")));
		this.tracker.begin();
		this.tracker.end();
		this.tracker.end();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.requests().size() == 2);

		assertThat(this.agent.requests()).last().isEqualTo("{\"ProtectionEnabled\":false}");
		assertThat(this.agent.paths()).containsOnly("/api/task-1/task-protection/v1/state");
	}

	@Test
	void aWorkerBetweenTwoMessagesKeepsItsProtection() throws InterruptedException {
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));
		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.agent.requests().size() == 1);

		for (int i = 0; i < 5; i++) {
			this.tracker.end();
			// The gap between two messages, shorter than the grace.
			Thread.sleep(GRACE.toMillis() / 5);
			this.tracker.begin();
		}

		await("one protection for one busy spell").during(GRACE.multipliedBy(2))
			.atMost(GRACE.multipliedBy(3))
			.until(() -> this.agent.requests().size() == 1);
	}

	@Test
	void aFailedCallIsRetriedAndTheReasonLogged() {
		this.agent.answer(400, "{\"error\":{\"Code\":\"AccessDeniedException\",\"Message\":\"not allowed\"}}");
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.agent.requests().size() == 1);
		this.agent.answerLikeTheAgent();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.agent.requests().size() == 2);
		assertThat(this.agent.requests()).allMatch((body) -> body.contains("\"ProtectionEnabled\":true"));
	}

	@Test
	void aTaskOutsideAServiceIsAFailureNotAProtection() {
		this.agent.answer(200, "{\"failure\":{\"Arn\":\"arn\",\"Reason\":\"TASK_NOT_VALID\",\"Detail\":null}}");
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.agent.requests().size() == 1);
		this.tracker.end();

		await("nothing to clear after a failed set, the retry waits a backoff").during(GRACE.multipliedBy(3))
			.atMost(GRACE.multipliedBy(4))
			.until(() -> this.agent.requests().stream().noneMatch((body) -> body.contains("false")));
	}

	@Test
	void aProtectionThatLapsesUnderABusyWorkerIsNotRenewedUntilItIsIdle() {
		AtomicReference<Clock> clock = new AtomicReference<>(Clock.systemUTC());
		Clock shifted = new Clock() {

			@Override
			public java.time.ZoneId getZone() {
				return java.time.ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

			@Override
			public java.time.Instant instant() {
				return clock.get().instant();
			}

		};
		this.protection = new TaskScaleInProtection(
				new ScalingProperties.TaskProtection(this.agent.uri(), Duration.ofMinutes(1), GRACE), this.tracker,
				shifted);
		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.agent.requests().size() == 1);

		clock.set(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)));
		// The next tick finds the protection expired while the worker is busy.
		await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
		this.tracker.end();
		this.tracker.begin();
		await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
		assertThat(this.agent.requests()).as("lapsed while busy: a deployment may now stop it").hasSize(1);

		this.tracker.end();
		// Idle for longer than the grace, seen by the next one-second tick.
		await().pollDelay(GRACE.plusSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> true);
		this.tracker.begin();
		await().atMost(Duration.ofSeconds(3)).until(() -> this.agent.requests().size() == 2);
		assertThat(this.agent.requests()).as("nothing to clear after a lapse")
			.noneMatch((body) -> body.contains("false"));
	}

	@Test
	void outsideEcsNothingHappens() {
		this.protection = protection(null, Duration.ofMinutes(30));

		this.tracker.begin();
		this.tracker.end();

		await("no call to the agent").during(GRACE.multipliedBy(2))
			.atMost(GRACE.multipliedBy(3))
			.until(() -> this.agent.requests().isEmpty());
	}

	private TaskScaleInProtection protection(String agentUri, Duration expiresIn) {
		return new TaskScaleInProtection(new ScalingProperties.TaskProtection(agentUri, expiresIn, GRACE), this.tracker,
				Clock.systemUTC());
	}

	/**
	 * Answers as the ECS agent does (the task's protection) unless told otherwise, and
	 * records the bodies and paths of the PUTs.
	 */
	static final class AgentStandIn {

		private final HttpServer server;

		private final List<String> requests = new CopyOnWriteArrayList<>();

		private final List<String> paths = new CopyOnWriteArrayList<>();

		private volatile int status;

		private volatile String answer;

		AgentStandIn() {
			try {
				this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			this.server.createContext("/", (exchange) -> {
				String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
				if (exchange.getRequestMethod().equals("PUT")) {
					this.requests.add(body);
					this.paths.add(exchange.getRequestURI().getPath());
				}
				String reply = (this.answer != null) ? this.answer : protection(body.contains("true"));
				byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
				exchange.getResponseHeaders().add("Content-Type", "application/json");
				exchange.sendResponseHeaders((this.answer != null) ? this.status : 200, bytes.length);
				exchange.getResponseBody().write(bytes);
				exchange.close();
			});
			this.server.start();
		}

		/** What ECS sets as {@code ECS_AGENT_URI}: the agent's address and the task. */
		String uri() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/task-1";
		}

		void answer(int status, String body) {
			this.status = status;
			this.answer = body;
		}

		void answerLikeTheAgent() {
			this.answer = null;
		}

		List<String> requests() {
			return List.copyOf(this.requests);
		}

		List<String> paths() {
			return List.copyOf(this.paths);
		}

		void stop() {
			this.server.stop(0);
		}

		private static String protection(boolean enabled) {
			return "{\"requestID\":\"r-1\",\"protection\":{\"ExpirationDate\":\"2026-11-26T10:00:00Z\","
					+ "\"ProtectionEnabled\":" + enabled
					+ ",\"TaskArn\":\"arn:aws:ecs:us-east-1:123456789012:task/media/task-1\"}}";
		}

	}

}
