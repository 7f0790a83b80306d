package dev.imageworker.scaling;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ECS agent's task scale-in protection endpoint,
 * {@code $ECS_AGENT_URI/task-protection/v1/state}. The agent calls ECS's
 * {@code UpdateTaskProtection} with the task role, and answers with the task's
 * protection, a {@code failure} (such as {@code TASK_NOT_VALID} for a task outside a
 * service) or an {@code error} (such as {@code AccessDeniedException}).
 */
class TaskProtectionEndpoint {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final URI state;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	TaskProtectionEndpoint(String agentUri) {
		this.state = URI.create(agentUri.replaceAll("/+$", "") + "/task-protection/v1/state");
	}

	/**
	 * Turns protection on for the given minutes, or off.
	 * @return {@code null} when the agent confirmed it, else why not
	 */
	@Nullable String put(boolean enabled, long minutes) throws InterruptedException {
		String body = enabled ? "{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":" + minutes + "}"
				: "{\"ProtectionEnabled\":false}";
		HttpRequest request = HttpRequest.newBuilder(this.state)
			.timeout(TIMEOUT)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			return problem(response.statusCode(), response.body(), enabled);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private @Nullable String problem(int status, String body, boolean enabled) {
		JsonNode answer;
		try {
			answer = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return "HTTP " + status + ": " + body;
		}
		JsonNode protection = answer.path("protection");
		if (status / 100 == 2 && protection.path("ProtectionEnabled").asBoolean(!enabled) == enabled) {
			return null;
		}
		if (answer.has("failure")) {
			return "failure " + answer.path("failure").path("Reason").asString("") + " "
					+ answer.path("failure").path("Detail").asString("");
		}
		if (answer.has("error")) {
			return "error " + answer.path("error").path("Code").asString("") + ": "
					+ answer.path("error").path("Message").asString("");
		}
		return "HTTP " + status + ": " + body;
	}

}
