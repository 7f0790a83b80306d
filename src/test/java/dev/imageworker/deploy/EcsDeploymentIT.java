package dev.imageworker.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;
import dev.imageworker.support.LocalAws;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.iam.IamClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ECS files go through the real AWS SDK service models into moto: the task definition
 * as a pipeline registers it (filled in by {@code deploy/ecs/task-definition.sh}) and the
 * IAM documents the stack's roles carry. LocalStack's free edition has no ECS, so this
 * always uses moto. The stack itself: {@code CloudFormationStackIT}.
 */
class EcsDeploymentIT {

	private static final String ACCOUNT = "123456789012";

	private static final String REGION = "us-east-1";

	private static final LocalAws MOTO = LocalAws.startMoto();

	private final EcsFiles files = new EcsFiles(Map.ofEntries(Map.entry("AWS_ACCOUNT_ID", ACCOUNT),
			Map.entry("AWS_REGION", REGION), Map.entry("STACK", "thumbs"),
			Map.entry("IMAGE", ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com/image-worker:0.1.0"),
			Map.entry("QUEUE", "thumbs-queue"), Map.entry("BULK_QUEUE", "thumbs-bulk"), Map.entry("DLQ", "thumbs-dlq"),
			Map.entry("SOURCE_BUCKET", "image-uploads-1"), Map.entry("OUTPUT_BUCKET", "thumbs-outputbucket-1"),
			Map.entry("TABLE", "thumbs-Table-1"), Map.entry("TOPIC", "thumbs-EventsTopic-1"),
			Map.entry("TOPIC_ARN", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":thumbs-EventsTopic-1"),
			Map.entry("LOG_GROUP", "/ecs/thumbs"), Map.entry("ECR_REPOSITORY", "image-worker"),
			Map.entry("TASK_ROLE_ARN", "arn:aws:iam::" + ACCOUNT + ":role/thumbs-TaskRole-1"),
			Map.entry("EXECUTION_ROLE_ARN", "arn:aws:iam::" + ACCOUNT + ":role/thumbs-ExecutionRole-1"),
			Map.entry("JOB_TIMEOUT_SECONDS", "120"), Map.entry("BACKLOG_PER_TASK_TARGET", "184"),
			// As task-definition.sh writes the stack's Variants into the JSON file:
			// escaped.
			Map.entry("APPLICATION_JSON",
					("{\"image-worker\":{\"variants\":" + HelmChartTests.EXAMPLE_VARIANTS + "}}").replace("\"",
							"\\\"")),
			Map.entry("PUBLIC_BASE_URL", "https://d111111abcdef8.cloudfront.net"), Map.entry("OWNER_SEGMENT", "1")));

	private final EcsClient ecs = MOTO.client(EcsClient.builder());

	@Test
	void taskDefinitionScriptFillsEveryPlaceholderFromTheStack() {
		String script = EcsFiles.read(EcsFiles.DIRECTORY.resolve("task-definition.sh"));
		Map<String, String> sources = mappings(script, "FROM_STACK");
		Map<String, String> optional = mappings(script, "OPTIONAL_FROM_STACK");
		Set<String> filled = new TreeSet<>(sources.keySet());
		filled.addAll(List.of("IMAGE", "STACK", "AWS_REGION", "APPLICATION_JSON", "PUBLIC_BASE_URL"));
		assertThat(script).contains(
				"PLACEHOLDERS=(IMAGE STACK AWS_REGION APPLICATION_JSON \"${FROM_STACK[@]%%=*}\" PUBLIC_BASE_URL)");
		assertThat(optional).as("the variant set becomes APPLICATION_JSON")
			.isEqualTo(Map.of("VARIANTS", "Variants", "PUBLIC_BASE_URL", "PublicBaseUrl"));

		assertThat(filled).containsExactlyInAnyOrderElementsOf(EcsFiles.placeholders(EcsFiles.TASK_DEFINITION));
		CloudFormationTemplate template = CloudFormationTemplate.load();
		Set<String> stackKeys = new TreeSet<>(template.outputs().keySet());
		stackKeys.addAll(template.parameters().keySet());
		assertThat(stackKeys).as("outputs and parameters of the stack")
			.containsAll(sources.values())
			.containsAll(optional.values());
	}

	private static Map<String, String> mappings(String script, String array) {
		Matcher declaration = Pattern.compile("\\n" + array + "=\\(([^)]*)\\)").matcher(script);
		assertThat(declaration.find()).as(array).isTrue();
		Map<String, String> mappings = new java.util.LinkedHashMap<>();
		for (String mapping : declaration.group(1).trim().split("\\s+")) {
			mappings.put(mapping.substring(0, mapping.indexOf('=')), mapping.substring(mapping.indexOf('=') + 1));
		}
		return mappings;
	}

	@Test
	void taskDefinitionRegistersAsAHardenedFargateTask() {
		TaskDefinition registered = registerTaskDefinition();
		ContainerDefinition container = registered.containerDefinitions().get(0);

		assertThat(registered.requiresCompatibilities()).contains(Compatibility.FARGATE);
		assertThat(registered.networkMode()).isEqualTo(NetworkMode.AWSVPC);
		assertThat(registered.cpu()).isEqualTo("1024");
		// Fargate's smallest memory for one vCPU; the image's JVM flags size from it.
		assertThat(registered.memory()).isEqualTo("2048");
		assertThat(container.entryPoint()).as("the image's JVM flags apply").isEmpty();
		assertThat(container.command()).isEmpty();
		assertThat(registered.family()).as("the stack's family, so revisions follow its own").isEqualTo("thumbs");
		assertThat(registered.taskRoleArn()).endsWith(":role/thumbs-TaskRole-1")
			.isNotEqualTo(registered.executionRoleArn());
		assertThat(registered.executionRoleArn()).endsWith(":role/thumbs-ExecutionRole-1");
		assertThat(container.essential()).isTrue();
		assertThat(container.stopTimeout()).isEqualTo(120);
		assertThat(container.readonlyRootFilesystem()).isTrue();
		assertThat(container.linuxParameters()).as("linuxParameters").isNotNull();
		assertThat(container.linuxParameters().capabilities().drop()).containsExactly("ALL");
		assertThat(container.linuxParameters().capabilities().add()).isEmpty();
		assertThat(container.portMappings())
			.as("the health check runs inside the container and metrics go out to CloudWatch: nothing connects in")
			.isEmpty();
		assertThat(container.mountPoints()).anySatisfy((mount) -> {
			assertThat(mount.containerPath()).isEqualTo("/tmp");
			assertThat(mount.readOnly()).isFalse();
			assertThat(registered.volumes()).anyMatch((volume) -> volume.name().equals(mount.sourceVolume()));
		});
		assertThat(container.logConfiguration().logDriver()).isEqualTo(LogDriver.AWSLOGS);
		assertThat(container.logConfiguration().options()).containsEntry("awslogs-group", "/ecs/thumbs")
			.containsKeys("awslogs-region", "awslogs-stream-prefix");
		assertThat(container.healthCheck().command()).first().isEqualTo("CMD");
		assertThat(environment(container))
			.containsEntry("MANAGEMENT_CLOUDWATCH_METRICS_EXPORT_NAMESPACE", "ImageWorker")
			.containsEntry("IMAGE_WORKER_QUEUE", "thumbs-queue")
			.containsEntry("IMAGE_WORKER_BULK_QUEUE", "thumbs-bulk")
			.containsEntry("IMAGE_WORKER_TOPIC", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":thumbs-EventsTopic-1")
			.containsEntry("IMAGE_WORKER_PROCESSING_JOB_TIMEOUT", "120s")
			.containsEntry("IMAGE_WORKER_OWNER_SEGMENT", "1")
			.containsEntry("IMAGE_WORKER_PUBLIC_BASE_URL", "https://d111111abcdef8.cloudfront.net")
			.doesNotContainKeys("JAVA_TOOL_OPTIONS", "JAVA_OPTS");
		assertThat(environment(container).get("SPRING_APPLICATION_JSON")).as("a JSON string within the JSON file")
			.isEqualTo("{\"image-worker\":{\"variants\":" + HelmChartTests.EXAMPLE_VARIANTS + "}}");
	}

	@Test
	void taskEnvironmentBindsToRealProperties() {
		ContainerDefinition container = registerTaskDefinition().containerDefinitions().get(0);

		assertThat(TaskEnvironment.unknown(environment(container).keySet())).isEmpty();
	}

	@Test
	void healthCheckCommandPassesOnUpAndFailsOnDownWithoutCurl() throws IOException, InterruptedException {
		List<String> command = registerTaskDefinition().containerDefinitions().get(0).healthCheck().command();
		assertThat(String.join(" ", command)).doesNotContain("curl").doesNotContain("wget");
		assertThat(String.join(" ", command)).as("the main port, whose threads serve only the probes")
			.contains("/dev/tcp/127.0.0.1/8080");

		List<String> requested = new CopyOnWriteArrayList<>();
		assertThat(runHealthCheck(command, 200, "{\"status\":\"UP\"}", requested)).isZero();
		assertThat(runHealthCheck(command, 503, "{\"status\":\"DOWN\"}", requested)).isNotZero();
		assertThat(runHealthCheck(command, 200, "{\"status\":\"OUT_OF_SERVICE\"}", requested))
			.as("the body decides, not the status code")
			.isNotZero();
		assertThat(requested).containsExactly("/livez", "/livez", "/livez");
	}

	@Test
	void rolesAndPoliciesAreAccepted() {
		IamClient iam = MOTO.client(IamClient.builder());
		for (String role : List.of("task", "execution")) {
			String name = "image-worker-" + role;
			iam.createRole((request) -> request.roleName(name)
				.assumeRolePolicyDocument(this.files.render(EcsFiles.DIRECTORY.resolve(role + "-role-trust.json"))));
			iam.putRolePolicy((request) -> request.roleName(name)
				.policyName(name)
				.policyDocument(this.files.render(EcsFiles.DIRECTORY.resolve(role + "-role-policy.json"))));
			assertThat(iam.listRolePolicies((request) -> request.roleName(name)).policyNames()).containsExactly(name);
		}
	}

	private TaskDefinition registerTaskDefinition() {
		RegisterTaskDefinitionRequest request = this.files.request(EcsFiles.TASK_DEFINITION,
				RegisterTaskDefinitionRequest.serializableBuilderClass());
		return this.ecs.registerTaskDefinition(request).taskDefinition();
	}

	private static Map<String, String> environment(ContainerDefinition container) {
		Map<String, String> environment = new java.util.LinkedHashMap<>();
		for (KeyValuePair pair : container.environment()) {
			environment.put(pair.name(), pair.value());
		}
		return environment;
	}

	/**
	 * Runs the container's health check command against a stand-in for the worker's main
	 * port, which answers every path, and records the paths requested.
	 */
	private static int runHealthCheck(List<String> command, int status, String body, List<String> requested)
			throws IOException, InterruptedException {
		HttpServer actuator = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		actuator.createContext("/", (exchange) -> {
			requested.add(exchange.getRequestURI().getPath());
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/vnd.spring-boot.actuator.v3+json");
			exchange.sendResponseHeaders(status, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		actuator.start();
		try {
			List<String> local = new ArrayList<>();
			for (String part : command.subList(1, command.size())) {
				local.add(part.replace("/8080", "/" + actuator.getAddress().getPort()));
			}
			Process process = new ProcessBuilder(local).inheritIO().start();
			assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
			return process.exitValue();
		}
		finally {
			actuator.stop(0);
		}
	}

}
