package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static dev.imageworker.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The Helm chart lints, renders secure defaults and rejects values its schema forbids.
 */
class HelmChartTests {

	private static final Path CHART = Path.of("helm/image-worker");

	private static final String CONTAINER = "spec.template.spec.containers.0";

	/** The responsive set docs/deployment.md shows for each way of deploying. */
	static final String EXAMPLE_VARIANTS = "{\"thumb\":256,\"avatar\":{\"width\":128,\"height\":128,\"fit\":\"cover\","
			+ "\"crop\":\"attention\",\"formats\":[\"webp\"]},\"hero\":{\"widths\":[320,640,1280],"
			+ "\"formats\":[\"avif\",\"webp\",\"jpeg\"]}}";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void lintsStrictly() {
		LintResult result = new Helm(CHART).lint().strict().call();

		assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
	}

	@Test
	void defaultsRenderAHardenedWorkerWithProbes() {
		Manifests manifests = render(new Helm(CHART).template());
		Map<String, Object> deployment = manifests.one("Deployment");

		assertThat(at(deployment, CONTAINER + ".livenessProbe.httpGet.path")).isEqualTo("/livez");
		assertThat(at(deployment, CONTAINER + ".readinessProbe.httpGet.path")).isEqualTo("/readyz");
		assertThat(at(deployment, CONTAINER + ".securityContext.readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(at(deployment, CONTAINER + ".securityContext.runAsNonRoot")).isEqualTo(true);
		assertThat(at(deployment, CONTAINER + ".securityContext.allowPrivilegeEscalation")).isEqualTo(false);
		assertThat(at(deployment, CONTAINER + ".securityContext.capabilities.drop")).isEqualTo(List.of("ALL"));
		assertThat(at(deployment, "spec.template.spec.securityContext.runAsNonRoot")).isEqualTo(true);
		assertThat(at(deployment, "spec.template.spec.securityContext.seccompProfile.type"))
			.isEqualTo("RuntimeDefault");
		assertThat(at(deployment, CONTAINER + ".resources.limits.memory")).isEqualTo("512Mi");
		assertThat(at(deployment, CONTAINER + ".resources.requests.memory")).isEqualTo("512Mi");
		assertThat(at(deployment, CONTAINER + ".env")).as("the image's JVM flags size the heap from the limit")
			.isNull();
		assertThat(at(manifests.one("ConfigMap"), "data")).asInstanceOf(map())
			.as("concurrency the memory limit is sized for")
			.containsEntry("IMAGE_WORKER_PROCESSING_CONCURRENCY", "2")
			.doesNotContainKeys("JAVA_TOOL_OPTIONS", "JAVA_OPTS");
		assertThat((Integer) at(deployment, "spec.template.spec.terminationGracePeriodSeconds")).isGreaterThan(110);
		assertThat(at(deployment, CONTAINER + ".volumeMounts")).asInstanceOf(list())
			.contains(Map.of("name", "tmp", "mountPath", "/tmp"));
		assertThat(at(deployment, "spec.template.spec.volumes.0.name")).isEqualTo("tmp");
		assertThat(at(deployment, "spec.template.spec.volumes.0.emptyDir")).isNotNull();
		assertThat(manifests.all("Ingress")).isEmpty();
	}

	@Test
	void probesUseTheMainPortAndActuatorTheManagementPort() {
		Map<String, Object> deployment = render(new Helm(CHART).template()).one("Deployment");

		assertThat(at(deployment, CONTAINER + ".ports")).asInstanceOf(list())
			.containsExactly(Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"),
					Map.of("name", "management", "containerPort", 8081, "protocol", "TCP"));
		for (String probe : List.of("livenessProbe", "readinessProbe")) {
			assertThat(at(deployment, CONTAINER + "." + probe + ".httpGet.port")).as(probe).isEqualTo("http");
		}
	}

	@Test
	void theApiTokenIsNotMounted() {
		Manifests manifests = render(new Helm(CHART).template());

		assertThat(at(manifests.one("ServiceAccount"), "automountServiceAccountToken")).isEqualTo(false);
		assertThat(at(manifests.one("Deployment"), "spec.template.spec.automountServiceAccountToken")).isEqualTo(false);
		assertThat(at(render(new Helm(CHART).template().set("serviceAccount.create", false)).one("Deployment"),
				"spec.template.spec.automountServiceAccountToken"))
			.as("with a service account the chart does not own")
			.isEqualTo(false);
	}

	@Test
	@SuppressWarnings("unchecked")
	void networkPolicyAdmitsOnlyTheManagementPortFromTheMonitoringNamespace() {
		Manifests manifests = render(new Helm(CHART).template());
		Map<String, Object> policy = manifests.one("NetworkPolicy");
		Map<String, Object> deployment = manifests.one("Deployment");

		assertThat(at(policy, "spec.podSelector.matchLabels")).isEqualTo(at(deployment, "spec.selector.matchLabels"));
		assertThat(at(policy, "spec.policyTypes")).asInstanceOf(list()).containsExactlyInAnyOrder("Ingress", "Egress");
		assertThat(at(policy, "spec.ingress")).asInstanceOf(list())
			.containsExactly(Map.of("from",
					List.of(Map.of("namespaceSelector",
							Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "monitoring")))),
					"ports", List.of(Map.of("port", managementPort(deployment), "protocol", "TCP"))));
		List<Map<String, Object>> egress = (List<Map<String, Object>>) at(policy, "spec.egress");
		assertThat(egress).as("a rule without ports would admit every port")
			.allSatisfy((rule) -> assertThat(rule).containsKey("ports"));
		assertThat(egress).flatExtracting((rule) -> (List<Object>) rule.get("ports"))
			.containsExactlyInAnyOrder(Map.of("port", 53, "protocol", "UDP"), Map.of("port", 53, "protocol", "TCP"),
					Map.of("port", 443, "protocol", "TCP"));
	}

	@Test
	void networkPolicyTakesTheNamespaceSelectorAndCanBeDisabled() {
		Map<String, Object> policy = render(new Helm(CHART).template()
			.set("networkPolicy.ingressNamespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name", "observability"))
			.one("NetworkPolicy");

		assertThat(at(policy, "spec.ingress.0.from")).asInstanceOf(list())
			.containsExactly(Map.of("namespaceSelector",
					Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "observability"))));
		assertThat(render(new Helm(CHART).template().set("networkPolicy.enabled", false)).all("NetworkPolicy"))
			.isEmpty();
	}

	@Test
	void operatorPasswordComesFromTheGivenSecret() {
		Manifests manifests = render(new Helm(CHART).template()
			.set("operator.existingSecret", "image-worker-operator")
			.set("operator.existingSecretKey", "basic-password"));

		assertThat(at(manifests.one("Deployment"), CONTAINER + ".env")).asInstanceOf(list())
			.containsExactly(Map.of("name", "IMAGE_WORKER_OPERATOR_PASSWORD", "valueFrom",
					Map.of("secretKeyRef", Map.of("name", "image-worker-operator", "key", "basic-password"))));
		assertThat(at(manifests.one("ConfigMap"), "data")).asInstanceOf(map())
			.doesNotContainKey("IMAGE_WORKER_OPERATOR_PASSWORD");
		assertThat(at(render(new Helm(CHART).template().set("operator.existingSecret", "image-worker-operator"))
			.one("Deployment"), CONTAINER + ".env.0.valueFrom.secretKeyRef.key")).as("default key")
			.isEqualTo("password");
	}

	@Test
	void acceptsGlobalValuesSoItWorksAsASubchart(@TempDir Path parent) throws IOException {
		assertThat(render(new Helm(CHART).template().set("global.foo", "bar")).one("Deployment")).isNotNull();

		// A parent chart hands its subcharts a global map whether it sets any or not.
		copyChart(parent.resolve("charts/image-worker"));
		Files.writeString(parent.resolve("Chart.yaml"), "apiVersion: v2\nname: platform\nversion: 1.0.0\n");
		Files.writeString(parent.resolve("values.yaml"), "global:\n  region: eu-west-1\n");
		assertThat(render(new Helm(parent).template()).one("Deployment")).isNotNull();
	}

	@Test
	void serviceAccountCarriesTheIrsaRole() {
		Manifests manifests = render(new Helm(CHART).template());

		Map<String, Object> account = manifests.one("ServiceAccount");
		assertThat(at(account, "metadata.annotations")).asInstanceOf(map())
			.containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/image-worker");
		assertThat(at(manifests.one("Deployment"), "spec.template.spec.serviceAccountName"))
			.isEqualTo(at(account, "metadata.name"));
	}

	@Test
	void kedaScalesToZeroOnTheQueueWithPodIdentity() {
		Manifests manifests = render(new Helm(CHART).template());

		Map<String, Object> scaledObject = manifests.one("ScaledObject");
		assertThat(at(scaledObject, "spec.minReplicaCount")).isEqualTo(0);
		assertThat(at(scaledObject, "spec.scaleTargetRef.name"))
			.isEqualTo(at(manifests.one("Deployment"), "metadata.name"));
		assertThat(at(scaledObject, "spec.triggers.0.type")).isEqualTo("aws-sqs-queue");
		assertThat(at(scaledObject, "spec.triggers.0.metadata")).asInstanceOf(map())
			.containsEntry("queueURL", "https://sqs.eu-west-1.amazonaws.com/111122223333/image-processing-queue")
			.containsEntry("queueLength", "20")
			.containsEntry("activationQueueLength", "0")
			.containsEntry("awsRegion", "eu-west-1");
		Map<String, Object> authentication = manifests.one("TriggerAuthentication");
		assertThat(at(scaledObject, "spec.triggers.0.authenticationRef.name"))
			.isEqualTo(at(authentication, "metadata.name"));
		assertThat(at(authentication, "spec.podIdentity.provider")).isEqualTo("aws");
		assertThat(at(manifests.one("Deployment"), "spec.replicas")).as("KEDA owns the replica count").isNull();
		assertThat(manifests.one("PodDisruptionBudget")).isNotNull();
	}

	@Test
	void configMapCarriesTheWorkerProperties() {
		Manifests manifests = render(new Helm(CHART).template());

		assertThat(at(manifests.one("ConfigMap"), "data")).asInstanceOf(map())
			.containsEntry("IMAGE_WORKER_QUEUE", "image-processing-queue")
			.containsEntry("IMAGE_WORKER_SOURCE_BUCKETS", "image-uploads")
			.containsEntry("SPRING_CLOUD_AWS_REGION_STATIC", "eu-west-1")
			.as("no bulk listener unless a bulk queue is named")
			.doesNotContainKey("IMAGE_WORKER_BULK_QUEUE");
		assertThat(at(manifests.one("Deployment"), CONTAINER + ".envFrom.0.configMapRef.name"))
			.isEqualTo(at(manifests.one("ConfigMap"), "metadata.name"));
	}

	@Test
	void aNamedBulkQueueGoesToTheWorkerButNotToKeda() {
		Manifests manifests = render(new Helm(CHART).template().set("worker.bulkQueue", "image-processing-bulk"));

		assertThat(at(manifests.one("ConfigMap"), "data")).asInstanceOf(map())
			.containsEntry("IMAGE_WORKER_BULK_QUEUE", "image-processing-bulk")
			.containsEntry("IMAGE_WORKER_QUEUE", "image-processing-queue");
		assertThat(at(manifests.one("ScaledObject"), "spec.triggers")).asInstanceOf(list())
			.as("bulk jobs use the capacity uploads leave; they never scale the workers out")
			.singleElement()
			.satisfies((trigger) -> assertThat(at(trigger, "metadata.queueURL"))
				.isEqualTo("https://sqs.eu-west-1.amazonaws.com/111122223333/image-processing-queue"));
		assertThat(at(render(new Helm(CHART).template()
			.set("worker.bulkQueue", "https://sqs.eu-west-1.amazonaws.com/111122223333/backfill")).one("ConfigMap"),
				"data.IMAGE_WORKER_BULK_QUEUE"))
			.isEqualTo("https://sqs.eu-west-1.amazonaws.com/111122223333/backfill");
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyConfigMapEntryBindsToAProperty() {
		Manifests manifests = render(new Helm(CHART).template()
			.set("worker.bulkQueue", "image-processing-bulk")
			.set("worker.extraEnv.IMAGE_WORKER_LIMITS_MAX_PIXELS", "50000000"));

		Map<String, Object> data = (Map<String, Object>) at(manifests.one("ConfigMap"), "data");
		assertThat(data).containsEntry("IMAGE_WORKER_LIMITS_MAX_PIXELS", "50000000")
			.containsKey("IMAGE_WORKER_BULK_QUEUE");
		assertThat(new PropertyEnvironmentVariables().unknown(data.keySet())).isEmpty();
	}

	@Test
	void aVariantSetReachesTheWorkerWholeAsOneJsonDocument(@TempDir Path directory) throws IOException {
		Path values = directory.resolve("variants.yaml");
		Files.writeString(values, """
				worker:
				  variants:
				    thumb: 256
				    avatar: {width: 128, height: 128, fit: cover, crop: attention, formats: [webp]}
				    hero: {widths: [320, 640, 1280], formats: [avif, webp, jpeg]}
				""");

		Map<String, Object> data = configMapData(render(new Helm(CHART).template().withValuesFile(values)));

		assertThat(JSON.readTree((String) data.get("SPRING_APPLICATION_JSON")))
			.isEqualTo(JSON.readTree("{\"image-worker\":{\"variants\":" + EXAMPLE_VARIANTS + "}}"));
		assertThat(data).as("no variant property beside it that a source could merge into the set")
			.noneSatisfy((name, value) -> assertThat(name).startsWith("IMAGE_WORKER_VARIANTS"));
		assertThat(configMapData(render(new Helm(CHART).template()))).as("the worker's defaults")
			.doesNotContainKey("SPRING_APPLICATION_JSON");
	}

	@Test
	void nonDefaultValuesRenderFixedReplicasMetricsAndGivenQueueUrl() {
		Manifests manifests = render(new Helm(CHART).template()
			.set("autoscaling.enabled", false)
			.set("replicaCount", 3)
			.set("serviceMonitor.enabled", true)
			.set("worker.queueUrl", "https://sqs.us-east-2.amazonaws.com/444455556666/jobs")
			.set("worker.sourceBuckets[0]", "uploads-a")
			.set("worker.sourceBuckets[1]", "uploads-b")
			.set("aws.roleArn", "arn:aws:iam::444455556666:role/worker"));

		assertThat(manifests.all("ScaledObject")).isEmpty();
		assertThat(manifests.all("TriggerAuthentication")).isEmpty();
		assertThat(at(manifests.one("Deployment"), "spec.replicas")).isEqualTo(3);
		assertThat(at(manifests.one("ServiceMonitor"), "spec.endpoints.0.path")).isEqualTo("/actuator/prometheus");
		assertThat(at(manifests.one("Service"), "spec.ports")).asInstanceOf(list())
			.containsExactly(Map.of("name", "management", "port", 8081, "targetPort", "management", "protocol", "TCP"));
		assertThat(at(manifests.one("ServiceMonitor"), "spec.endpoints.0.port"))
			.isEqualTo(at(manifests.one("Service"), "spec.ports.0.name"));
		assertThat(at(manifests.one("ConfigMap"), "data.IMAGE_WORKER_SOURCE_BUCKETS")).isEqualTo("uploads-a,uploads-b");
		assertThat(at(manifests.one("ServiceAccount"), "metadata.annotations")).asInstanceOf(map())
			.containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::444455556666:role/worker");
	}

	@Test
	void explicitQueueUrlFeedsKeda() {
		Manifests manifests = render(new Helm(CHART).template()
			.set("worker.queueUrl", "https://sqs.us-east-2.amazonaws.com/444455556666/jobs")
			.set("autoscaling.minReplicaCount", 1));

		assertThat(at(manifests.one("ScaledObject"), "spec.triggers.0.metadata.queueURL"))
			.isEqualTo("https://sqs.us-east-2.amazonaws.com/444455556666/jobs");
		assertThat(at(manifests.one("ScaledObject"), "spec.minReplicaCount")).isEqualTo(1);
	}

	@Test
	void schemaRejectsBadValues() {
		assertRejected("replicaCount", "many");
		assertRejected("autoscaling.minReplicaCount", -1);
		assertRejected("securityContext.readOnlyRootFilesystem", false);
		assertRejected("terminationGracePeriodSeconds", 30);
		assertRejected("aws.roleArn", "not-an-arn");
		assertRejected("image.tag", "latest");
		assertRejected("replicaCuont", 2);
		assertRejected("livenessProbe.httpGet.path", "/actuator/health");
		assertRejected("livenessProbe.httpGet.path", "/readyz");
		assertRejected("readinessProbe.httpGet.path", "/livez");
		assertRejected("networkPolicy.enabled", "yes");
		assertRejected("operator.existingSecret", "Not_A_Name");
		assertRejected("worker.bulkQueue", "bulk queue");
		assertRejected("worker.bulkQueue", "http://sqs.eu-west-1.amazonaws.com/111122223333/backfill");
		assertRejected("worker.variants.Thumb", 256, "Thumb");
		assertRejected("worker.variants.thumb", "large", "variants");
		assertRejected("worker.variants.hero.formats[0]", "gif", "variants");
		assertRejected("worker.variants.hero.fit", "fill", "variants");
	}

	@Test
	void actuatorProbePathsNeedTheManagementPort() {
		assertRejected("livenessProbe.httpGet.path", "/actuator/health/liveness", "/livenessProbe/httpGet/port");
		Manifests manifests = render(new Helm(CHART).template()
			.set("livenessProbe.httpGet.path", "/actuator/health/liveness")
			.set("livenessProbe.httpGet.port", "management"));

		assertThat(at(manifests.one("Deployment"), CONTAINER + ".livenessProbe.httpGet.port")).isEqualTo("management");
		assertRejected("readinessProbe.httpGet.port", "management", "/readinessProbe/httpGet/port");
	}

	@Test
	void lintFailsOnValuesTheSchemaForbids(@TempDir Path copy) throws IOException {
		copyChart(copy);
		Path values = copy.resolve("values.yaml");
		Files.writeString(values, Files.readString(values).replace("replicaCount: 1", "replicaCount: many"));

		LintResult result = new Helm(copy).lint().strict().call();

		assertThat(result.isFailed()).isTrue();
		assertThat(String.join("\n", result.getMessages())).contains("replicaCount");
	}

	private static void assertRejected(String key, Object value) {
		assertRejected(key, value, key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key);
	}

	private static void assertRejected(String key, Object value, String named) {
		assertThatException().as("%s=%s", key, value)
			.isThrownBy(() -> new Helm(CHART).template().withKubeVersion(KUBE_VERSION).set(key, value).call())
			.withMessageContaining(named);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> configMapData(Manifests manifests) {
		return (Map<String, Object>) at(manifests.one("ConfigMap"), "data");
	}

	private static Object managementPort(Map<String, Object> deployment) {
		return ((List<?>) at(deployment, CONTAINER + ".ports")).stream()
			.map(Map.class::cast)
			.filter((port) -> "management".equals(port.get("name")))
			.map((port) -> port.get("containerPort"))
			.findFirst()
			.orElseThrow();
	}

	/** helm template assumes an old cluster unless told; the chart needs 1.25. */
	private static final String KUBE_VERSION = "1.31.0";

	private static Manifests render(com.marcnuri.helm.TemplateCommand template) {
		return Manifests.parse(template.withName("thumbs").withNamespace("media").withKubeVersion(KUBE_VERSION).call());
	}

	private static void copyChart(Path target) throws IOException {
		try (Stream<Path> files = Files.walk(CHART)) {
			for (Path file : files.toList()) {
				Path destination = target.resolve(CHART.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(destination);
				}
				else {
					Files.copy(file, destination);
				}
			}
		}
	}

	private static org.assertj.core.api.InstanceOfAssertFactory<List, org.assertj.core.api.ListAssert<Object>> list() {
		return org.assertj.core.api.InstanceOfAssertFactories.LIST;
	}

	private static org.assertj.core.api.InstanceOfAssertFactory<Map, org.assertj.core.api.MapAssert<Object, Object>> map() {
		return org.assertj.core.api.InstanceOfAssertFactories.MAP;
	}

}
