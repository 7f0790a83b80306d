package dev.imageworker.operations;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operators' tools over HTTP: dead letters listed with their failure codes without
 * being consumed, redriven to the main queue, an image's status by imageId, and the queue
 * in the readiness group.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OperationsIT {

	private static final LocalAws aws = LocalAws.shared();

	private final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	private ObjectMapper json;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("image-worker.provision", () -> "true");
		registry.add("image-worker.processing.retry-backoff", () -> "1s");
		registry.add("management.endpoint.health.show-components", () -> "always");
	}

	@Test
	void deadLettersAreListedRedrivenAndImagesLookedUp() throws Exception {
		try (S3Client s3 = aws.s3()) {
			s3.putObject((request) -> request.bucket("image-uploads").key("uploads/ops/img_0b5b40c3.jpg"),
					RequestBody.fromBytes(SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.4)));
		}
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(get("/actuator/deadletters").path("messages").findValuesAsString("imageId"))
				.contains("img_0b5b40c3"));

		JsonNode peek = get("/actuator/deadletters");
		JsonNode again = get("/actuator/deadletters");
		assertThat(again.path("count").asInt()).as("a peek consumes nothing").isEqualTo(peek.path("count").asInt());
		JsonNode letter = deadLetter(again, "img_0b5b40c3");
		assertThat(letter.path("failureCode").asString()).isEqualTo("CORRUPT_IMAGE");
		assertThat(letter.path("body").asString()).contains("img_0b5b40c3.jpg");

		JsonNode image = get("/actuator/images/img_0b5b40c3");
		assertThat(image.path("status").asString()).isEqualTo("FAILED");
		assertThat(image.path("error").path("code").asString()).isEqualTo("CORRUPT_IMAGE");
		assertThat(image.path("attempts").asInt()).isEqualTo(1);
		assertThat(status("/actuator/images/never-uploaded")).isEqualTo(404);

		HttpResponse<String> redrive = this.http.send(
				HttpRequest.newBuilder(uri("/actuator/deadletters")).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(redrive.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(redrive.body()).path("moved").asInt()).isGreaterThanOrEqualTo(1);
		// Processed again from the main queue: a second attempt, dead-lettered again.
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(
					() -> assertThat(get("/actuator/images/img_0b5b40c3").path("attempts").asInt()).isEqualTo(2));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(deadLetter(get("/actuator/deadletters"), "img_0b5b40c3")).isNotNull());
	}

	@Test
	void theQueueIsPartOfReadinessNotLiveness() throws Exception {
		JsonNode readiness = get("/actuator/health/readiness");
		assertThat(readiness.path("status").asString()).isEqualTo("UP");
		assertThat(get("/actuator/health").path("components").path("queue").path("status").asString()).isEqualTo("UP");
		assertThat(status("/actuator/health/liveness")).isEqualTo(200);
	}

	private static JsonNode deadLetter(JsonNode list, String imageId) {
		for (JsonNode message : list.path("messages")) {
			if (imageId.equals(message.path("imageId").asString())) {
				return message;
			}
		}
		return null;
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri(path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private int status(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

}
