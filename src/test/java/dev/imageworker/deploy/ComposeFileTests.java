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

/**
 * docker-compose.yml runs the tested LocalStack, configures the worker correctly, and has
 * Prometheus scrape it for the provisioned Grafana dashboard.
 */
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
		assertThat(services().keySet()).contains("localstack", "image-worker", "prometheus", "grafana");
		for (String service : services().keySet()) {
			assertThat(at(this.compose, "services." + service + ".ports")).as(service)
				.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
				.isNotEmpty()
				.allMatch((port) -> port.startsWith("127.0.0.1:"));
		}
	}

	@Test
	void everyImageIsPinnedToARelease() {
		services().forEach((name, service) -> {
			if (service.containsKey("image")) {
				assertThat(service.get("image")).as(name).asString().matches("[\\w./-]+:v?\\d+\\.\\d+\\.\\d+");
			}
		});
	}

	@Test
	void prometheusScrapesTheWorkersManagementPortOnceItRuns() throws IOException {
		Map<String, Object> prometheus = yaml(hostPath("prometheus", "/etc/prometheus/prometheus.yml"));
		Object managementPort = at(yaml(Path.of("src/main/resources/application.yml")), "management.server.port");

		assertThat(at(prometheus, "scrape_configs.0.metrics_path")).isEqualTo("/actuator/prometheus");
		assertThat(at(prometheus, "scrape_configs.0.static_configs.0.targets"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
			.containsExactly("image-worker:" + managementPort);
		assertThat(at(this.compose, "services.prometheus.depends_on.image-worker.condition"))
			.isEqualTo("service_started");
		assertThat(at(this.compose, "services.prometheus.healthcheck.test")).asString().contains("/-/ready");
	}

	@Test
	void grafanaProvisionsThePrometheusDatasourceAndTheDashboard() throws IOException {
		Path provisioning = hostPath("grafana", "/etc/grafana/provisioning");
		Map<String, Object> datasources = yaml(provisioning.resolve("datasources/prometheus.yml"));
		Map<String, Object> dashboards = yaml(provisioning.resolve("dashboards/image-worker.yml"));
		String dashboardsPath = (String) at(dashboards, "providers.0.options.path");

		assertThat(at(datasources, "datasources.0.type")).isEqualTo("prometheus");
		assertThat(at(datasources, "datasources.0.url")).isEqualTo("http://prometheus:" + containerPort("prometheus"));
		assertThat(hostPath("grafana", dashboardsPath)).isEqualTo(GrafanaDashboard.FILE.getParent());
		assertThat(at(this.compose, "services.grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"))
			.isEqualTo(dashboardsPath + "/" + GrafanaDashboard.FILE.getFileName());
		assertThat(at(this.compose, "services.grafana.depends_on.prometheus.condition")).isEqualTo("service_healthy");
	}

	@Test
	void grafanaLetsAnonymousVisitorsViewAndTakesTheAdminPasswordFromTheEnvironment() {
		assertThat(at(this.compose, "services.grafana.environment.GF_AUTH_ANONYMOUS_ENABLED")).isEqualTo("true");
		assertThat(at(this.compose, "services.grafana.environment.GF_AUTH_ANONYMOUS_ORG_ROLE")).isEqualTo("Viewer");
		assertThat(at(this.compose, "services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD")).asString()
			.startsWith("${GRAFANA_ADMIN_PASSWORD");
	}

	@Test
	void configurationIsMountedReadOnlyFromFilesInTheRepository() {
		for (String service : List.of("prometheus", "grafana")) {
			assertThat(volumes(service)).as(service).isNotEmpty().allSatisfy((volume) -> {
				assertThat(volume).endsWith(":ro");
				assertThat(Path.of(volume.substring(0, volume.indexOf(':')))).exists();
			});
		}
	}

	@Test
	void workerPublishesTheProbeAndManagementPorts() {
		assertThat(at(this.compose, "services.image-worker.ports"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.list(String.class))
			.containsExactlyInAnyOrder("127.0.0.1:8080:8080", "127.0.0.1:8081:8081");
	}

	/** Where a service's volume mounted at {@code containerPath} comes from. */
	private Path hostPath(String service, String containerPath) {
		return volumes(service).stream()
			.map((volume) -> volume.split(":"))
			.filter((parts) -> parts[1].equals(containerPath))
			.map((parts) -> Path.of(parts[0]).normalize())
			.findFirst()
			.orElseThrow(() -> new AssertionError(service + " mounts nothing at " + containerPath));
	}

	/** The container port of a service's one published port. */
	private String containerPort(String service) {
		String port = list(service, "ports").getFirst();
		return port.substring(port.lastIndexOf(':') + 1);
	}

	private List<String> volumes(String service) {
		return list(service, "volumes");
	}

	@SuppressWarnings("unchecked")
	private List<String> list(String service, String key) {
		return (List<String>) at(this.compose, "services." + service + "." + key);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Map<String, Object>> services() {
		return (Map<String, Map<String, Object>>) at(this.compose, "services");
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		return Manifests.parse(Files.readString(file)).documents().getFirst();
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
