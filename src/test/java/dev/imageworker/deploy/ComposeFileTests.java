package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.imageworker.support.LocalAws;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static dev.imageworker.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml runs the tested LocalStack and configures the worker correctly. */
class ComposeFileTests {

	private final Map<String, Object> compose = load();

	@Test
	void localStackIsTheImageTheTestsUseWithAHealthCheck() {
		assertThat(at(this.compose, "services.localstack.image")).isEqualTo(LocalAws.LOCALSTACK_IMAGE);
		assertThat(at(this.compose, "services.localstack.healthcheck.test")).asString().contains("/_localstack/health");
		assertThat(at(this.compose, "services.localstack.environment.SERVICES")).asString()
			.contains("s3", "sqs", "sns", "dynamodb", "cloudwatch");
	}

	@Test
	void workerWaitsForHealthyLocalStackAndProvisionsItsResources() {
		assertThat(at(this.compose, "services.image-worker.build")).isNotNull();
		assertThat(at(this.compose, "services.image-worker.depends_on.localstack.condition"))
			.isEqualTo("service_healthy");
		Map<String, Object> environment = environment();
		assertThat(environment).containsEntry("IMAGE_WORKER_PROVISION", "true")
			.containsEntry("SPRING_CLOUD_AWS_S3_PATH_STYLE_ACCESS_ENABLED", "true")
			.containsEntry("SPRING_CLOUD_AWS_ENDPOINT", "http://localstack:4566")
			.containsKeys("SPRING_CLOUD_AWS_REGION_STATIC", "SPRING_CLOUD_AWS_CREDENTIALS_ACCESS_KEY",
					"SPRING_CLOUD_AWS_CREDENTIALS_SECRET_KEY");
	}

	@Test
	void everyEnvironmentVariableBindsToAProperty() {
		List<String> names = environment().keySet()
			.stream()
			.filter((name) -> name.startsWith("IMAGE_WORKER_") || name.startsWith("SPRING_")
					|| name.startsWith("MANAGEMENT_"))
			.toList();

		assertThat(names).isNotEmpty();
		assertThat(new PropertyEnvironmentVariables().unknown(names)).isEmpty();
	}

	@Test
	void portsAreOnLoopbackOnly() {
		for (String service : List.of("localstack", "image-worker")) {
			assertThat(at(this.compose, "services." + service + ".ports"))
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
				.allMatch((port) -> port.startsWith("127.0.0.1:"));
		}
	}

	@Test
	void workerPublishesTheProbeAndManagementPorts() {
		assertThat(at(this.compose, "services.image-worker.ports"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
			.containsExactlyInAnyOrder("127.0.0.1:8080:8080", "127.0.0.1:8081:8081");
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> environment() {
		return (Map<String, Object>) at(this.compose, "services.image-worker.environment");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> load() {
		try {
			return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
				.load(Files.readString(Path.of("docker-compose.yml")));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
