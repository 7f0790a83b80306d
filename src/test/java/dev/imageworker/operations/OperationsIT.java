package dev.imageworker.operations;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imageworker.catalog.ItemAttributes;
import dev.imageworker.support.FaultProxy;
import dev.imageworker.support.IamActions;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import io.awspring.cloud.sqs.listener.AbstractMessageListenerContainer;
import io.awspring.cloud.sqs.listener.ContainerOptions;
import io.awspring.cloud.sqs.listener.MessageListenerContainerRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operators' tools over HTTP, on the management port and for the operator only: dead
 * letters listed with their failure codes without being consumed, an image's item by
 * imageId, the queue in the readiness group; and probes on the main port that slow
 * operator calls cannot hold up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "management.server.port=0", "image-worker.provision=true",
				"image-worker.processing.retry-backoff=1s", "management.endpoint.health.show-components=always",
				"spring.cloud.aws.sqs.listener.poll-timeout=7s", "spring.cloud.aws.sqs.observation-enabled=false" })
class OperationsIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final FaultProxy faults = new FaultProxy(aws.endpoint());

	private static final String OPERATOR = "operator:s3cret";

	private static final String BROKEN = "img_0b5b40c30b5b40c3";

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private ObjectMapper json;

	@Autowired
	private Environment environment;

	@Autowired
	private MessageListenerContainerRegistry containers;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		for (String service : List.of("sqs", "dynamodb")) {
			registry.add("spring.cloud.aws." + service + ".endpoint", () -> faults.endpoint().toString());
		}
		// Encoded, as production should configure it.
		registry.add("image-worker.operator.password",
				() -> PasswordEncoderFactories.createDelegatingPasswordEncoder().encode("s3cret"));
	}

	@Test
	void theOperatorPeeksAtDeadLettersAndLooksUpImagesAndNobodyElseDoes() throws Exception {
		uploadBroken();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(get("/actuator/deadletters").path("messages").findValuesAsString("imageId"))
				.contains(BROKEN));

		JsonNode peek = get("/actuator/deadletters");
		JsonNode again = get("/actuator/deadletters");
		assertThat(again.path("count").asInt()).as("a peek consumes nothing").isEqualTo(peek.path("count").asInt());
		JsonNode letter = deadLetter(again, BROKEN);
		assertThat(letter.path("failureCode").asString()).isEqualTo("CORRUPT_IMAGE");
		assertThat(letter.path("body").asString()).contains(BROKEN + ".jpg");

		JsonNode image = get("/actuator/images/" + BROKEN);
		assertThat(image.path(ItemAttributes.STATUS).asString()).isEqualTo("FAILED");
		assertThat(image.path(ItemAttributes.ERROR).path(ItemAttributes.ERROR_CODE).asString())
			.isEqualTo("CORRUPT_IMAGE");
		assertThat(send(management(), "GET", "/actuator/images/never-uploaded", OPERATOR).statusCode()).isEqualTo(404);

		for (String path : List.of("/actuator/deadletters", "/actuator/images/" + BROKEN, "/actuator/metrics")) {
			assertThat(send(management(), "GET", path, null).statusCode()).as("GET %s anonymously", path)
				.isEqualTo(401);
			assertThat(send(management(), "GET", path, "operator:wrong").statusCode()).as("GET %s wrongly", path)
				.isEqualTo(401);
		}
		// No redrive by the worker: SQS's own DLQ redrive does it, with rights the
		// worker's role does not have.
		assertThat(send(management(), "POST", "/actuator/deadletters", null).statusCode()).isEqualTo(401);
		assertThat(send(management(), "POST", "/actuator/deadletters", OPERATOR).statusCode()).isEqualTo(405);
		assertThat(deadLetter(get("/actuator/deadletters"), BROKEN)).isNotNull();
	}

	@Test
	void theOperatorPolicyGrantsExactlyWhatTheOperatorEndpointsCall() throws Exception {
		uploadBroken();
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(get("/actuator/images/" + BROKEN).path(ItemAttributes.STATUS).asString())
				.isEqualTo("FAILED"));
		faults.forgetActions();

		get("/actuator/deadletters");
		get("/actuator/images/" + BROKEN);

		Set<String> operator = IamActions.granted(Path.of("deploy/ecs/operator-policy.json"));
		Set<String> either = new TreeSet<>(operator);
		either.addAll(IamActions.granted(Path.of("deploy/ecs/task-role-policy.json")));
		assertThat(faults.actions()).as("called while the operator endpoints answered")
			.containsAll(operator)
			.isSubsetOf(either);
	}

	@Test
	void probesAnswerWhileOperatorCallsHang() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger held = faults.holdNext((request) -> request.body().contains("image-processing-dlq")
				&& request.body().contains("\"WaitTimeSeconds\":0"), release, Duration.ofMinutes(1), 8);
		List<CompletableFuture<HttpResponse<String>>> peeks = new ArrayList<>();
		try {
			for (int i = 0; i < 8; i++) {
				peeks.add(this.http.sendAsync(request(management(), "GET", "/actuator/deadletters", OPERATOR).build(),
						HttpResponse.BodyHandlers.ofString()));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> held.get() >= 4);

			HttpResponse<String> liveness = this.http.send(
					request(server(), "GET", "/livez", null).timeout(Duration.ofSeconds(10)).build(),
					HttpResponse.BodyHandlers.ofString());

			assertThat(liveness.statusCode()).isEqualTo(200);
			assertThat(peeks).as("operator calls still hanging").noneMatch(CompletableFuture::isDone);
		}
		finally {
			release.countDown();
		}
		assertThat(peeks.getFirst().get().statusCode()).as("the held calls finish").isEqualTo(200);
	}

	@Test
	void springCloudAwsListenerPropertiesMeanWhatTheySay() {
		ContainerOptions<?, ?> options = this.containers.getListenerContainers()
			.stream()
			.map((container) -> ((AbstractMessageListenerContainer<?, ?, ?>) container).getContainerOptions())
			.findFirst()
			.orElseThrow();

		assertThat(options.getPollTimeout()).isEqualTo(Duration.ofSeconds(7));
		assertThat(options.getObservationRegistry()).isEqualTo(ObservationRegistry.NOOP);
	}

	@Test
	void theQueueIsPartOfReadinessNotLiveness() throws Exception {
		assertThat(send(server(), "GET", "/readyz", null).body()).contains("\"status\":\"UP\"");
		assertThat(send(server(), "GET", "/livez", null).statusCode()).isEqualTo(200);
		JsonNode health = this.json.readTree(send(management(), "GET", "/actuator/health", null).body());
		assertThat(health.path("components").path("queue").path("status").asString()).isEqualTo("UP");
	}

	private static void uploadBroken() {
		try (S3Client s3 = aws.s3()) {
			s3.putObject((request) -> request.bucket("image-uploads").key("uploads/ops/" + BROKEN + ".jpg"),
					RequestBody.fromBytes(SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.4)));
		}
	}

	private static JsonNode deadLetter(JsonNode list, String imageId) {
		for (JsonNode message : list.path("messages")) {
			if (imageId.equals(message.path("imageId").asString())) {
				return message;
			}
		}
		return null;
	}

	/** A GET by the operator that must succeed. */
	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = send(management(), "GET", path, OPERATOR);
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private HttpResponse<String> send(int port, String method, String path, String credentials) throws Exception {
		return this.http.send(request(port, method, path, credentials).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder request(int port, String method, String path, String credentials) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (credentials != null) {
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		return request;
	}

	private int server() {
		return this.environment.getRequiredProperty("local.server.port", Integer.class);
	}

	private int management() {
		return this.environment.getRequiredProperty("local.management.port", Integer.class);
	}

}
