package dev.imageworker.scaling;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import dev.imageworker.ingest.InFlightTracker;
import dev.imageworker.support.ManualScheduler;
import dev.imageworker.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task scale-in protection against a stand-in for the ECS agent's endpoint: on while the
 * worker holds messages, off once it has been idle for the grace, never re-set while one
 * protection lapses under a busy worker, retried after failures, and nothing at all
 * without {@code ECS_AGENT_URI}.
 */
class TaskScaleInProtectionTests {

	private static final Duration GRACE = Duration.ofMillis(300);

	/** The component's tick. */
	private static final Duration TICK = Duration.ofSeconds(1);

	private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

	private final AgentStandIn agent = new AgentStandIn();

	private final InFlightTracker inFlight = new InFlightTracker(new SimpleMeterRegistry(),
			TestProperties.bind(Map.of()));

	/** What {@link #tracker} holds, the latest first. */
	private final Deque<InFlightTracker.Held> held = new ArrayDeque<>();

	/** Takes on and settles messages as the listener does. */
	private final Messages tracker = new Messages();

	private final ManualScheduler scheduler = new ManualScheduler();

	/** The wall clock, moving with the scheduler's. */
	private final Clock clock = new Clock() {

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return START.plusNanos(TaskScaleInProtectionTests.this.scheduler.nanoTime());
		}

	};

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
		after(Duration.ZERO);
		assertThat(this.agent.requests()).containsExactly("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":30}");
		this.tracker.begin();
		this.tracker.end();
		this.tracker.end();
		after(Duration.ZERO);
		assertThat(this.agent.requests()).as("idle for less than the grace").hasSize(1);

		after(TICK);
		assertThat(this.agent.requests()).hasSize(2).last().isEqualTo("{\"ProtectionEnabled\":false}");
		assertThat(this.agent.paths()).containsOnly("/api/task-1/task-protection/v1/state");
	}

	@Test
	void aWorkerBetweenTwoMessagesKeepsItsProtection() {
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));
		this.tracker.begin();
		after(Duration.ZERO);

		// Gaps shorter than the grace, some of them across a tick.
		for (int i = 0; i < 10; i++) {
			this.tracker.end();
			after(GRACE.dividedBy(2));
			this.tracker.begin();
			after(GRACE.dividedBy(6));
		}
		after(TICK.multipliedBy(3));

		assertThat(this.agent.requests()).as("one protection for one busy spell").hasSize(1);
	}

	@Test
	void aFailedCallIsRetriedAfterABackoff() {
		this.agent.answer(400, "{\"error\":{\"Code\":\"AccessDeniedException\",\"Message\":\"not allowed\"}}");
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		after(Duration.ZERO);
		assertThat(this.agent.requests()).hasSize(1);
		this.agent.answerLikeTheAgent();
		after(TICK.minusMillis(1));
		assertThat(this.agent.requests()).as("within the backoff").hasSize(1);

		after(Duration.ofMillis(1));
		assertThat(this.agent.requests()).hasSize(2).allMatch((body) -> body.contains("\"ProtectionEnabled\":true"));
	}

	@Test
	void aFailingAgentIsAskedAgainAfterWaitsThatDoubleUpToAMinute() {
		this.agent.answer(503, "{\"error\":{\"Code\":\"ServerException\",\"Message\":\"try later\"}}");
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		after(Duration.ZERO);
		List<Long> askedAt = new ArrayList<>(List.of(0L));
		for (long second = 1; second <= 200; second++) {
			after(TICK);
			if (this.agent.requests().size() > askedAt.size()) {
				askedAt.add(second);
			}
		}

		assertThat(askedAt).as("seconds at which the agent was asked: 1, 2, 4, ... 32 s apart, then a minute")
			.containsExactly(0L, 1L, 3L, 7L, 15L, 31L, 63L, 123L, 183L);
	}

	@Test
	void aTaskOutsideAServiceIsAFailureNotAProtection() {
		this.agent.answer(200, "{\"failure\":{\"Arn\":\"arn\",\"Reason\":\"TASK_NOT_VALID\",\"Detail\":null}}");
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(30));

		this.tracker.begin();
		after(Duration.ZERO);
		this.tracker.end();
		after(TICK.multipliedBy(5));

		assertThat(this.agent.requests()).as("nothing to clear after a failed set")
			.containsExactly("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":30}");
	}

	@Test
	void aProtectionThatLapsesUnderABusyWorkerIsNotRenewedUntilItIsIdle() {
		this.protection = protection(this.agent.uri(), Duration.ofMinutes(1));
		this.tracker.begin();
		after(Duration.ZERO);
		assertThat(this.agent.requests()).hasSize(1);

		after(Duration.ofMinutes(2));
		this.tracker.end();
		this.tracker.begin();
		after(TICK.multipliedBy(2));
		assertThat(this.agent.requests()).as("lapsed while busy: a deployment may now stop it").hasSize(1);

		this.tracker.end();
		after(GRACE.plus(TICK));
		this.tracker.begin();
		after(Duration.ZERO);
		assertThat(this.agent.requests()).as("protected again after an idle spell, nothing to clear after a lapse")
			.hasSize(2)
			.noneMatch((body) -> body.contains("false"));
	}

	@Test
	void outsideEcsNothingHappens() {
		this.protection = protection(null, Duration.ofMinutes(30));

		this.tracker.begin();
		this.tracker.end();
		after(TICK.multipliedBy(5));

		assertThat(this.agent.requests()).isEmpty();
		assertThat(this.scheduler.pending()).as("no tick scheduled").isZero();
	}

	private TaskScaleInProtection protection(String agentUri, Duration expiresIn) {
		return new TaskScaleInProtection(new ScalingProperties.TaskProtection(agentUri, expiresIn, GRACE),
				this.inFlight, this.clock, () -> this.scheduler);
	}

	/**
	 * Runs what the component scheduled for the next span of time, its calls included.
	 */
	private void after(Duration span) {
		this.scheduler.advance(span);
	}

	private final class Messages {

		void begin() {
			TaskScaleInProtectionTests.this.held.push(TaskScaleInProtectionTests.this.inFlight.hold("m",
					(seconds) -> CompletableFuture.completedFuture(null), InFlightTracker.Traffic.LIVE));
		}

		void end() {
			TaskScaleInProtectionTests.this.held.pop().close();
		}

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
