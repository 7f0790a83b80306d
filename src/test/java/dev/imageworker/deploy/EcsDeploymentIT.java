package dev.imageworker.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import dev.imageworker.support.LocalAws;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingMetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
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
 * The ECS artefacts go through the real AWS SDK service models into moto, the way
 * {@code deploy/ecs/apply.sh} sends them: task definition, scalable target, policies,
 * alarms and IAM roles. LocalStack's free edition has no ECS or Application Auto Scaling,
 * so this always uses moto.
 */
class EcsDeploymentIT {

	private static final String ACCOUNT = "123456789012";

	private static final String REGION = "us-east-1";

	private static final LocalAws MOTO = LocalAws.startMoto();

	private final EcsFiles files = new EcsFiles(Map.ofEntries(Map.entry("AWS_ACCOUNT_ID", ACCOUNT),
			Map.entry("AWS_REGION", REGION), Map.entry("CLUSTER", "media"), Map.entry("SERVICE", "image-worker"),
			Map.entry("IMAGE", ACCOUNT + ".dkr.ecr." + REGION + ".amazonaws.com/image-worker:0.1.0"),
			Map.entry("ALARM_TOPIC_ARN", "arn:aws:sns:" + REGION + ":" + ACCOUNT + ":ops-alarms"),
			Map.entry("QUEUE", "image-processing-queue"), Map.entry("DLQ", "image-processing-dlq"),
			Map.entry("SOURCE_BUCKET", "image-uploads"), Map.entry("OUTPUT_BUCKET", "image-thumbnails"),
			Map.entry("TABLE", "image-metadata"), Map.entry("TOPIC", "image-processing-events"),
			Map.entry("LOG_GROUP", "/ecs/image-worker"), Map.entry("ECR_REPOSITORY", "image-worker"),
			Map.entry("TASK_ROLE", "image-worker-task"), Map.entry("EXECUTION_ROLE", "image-worker-execution")));

	private final EcsClient ecs = MOTO.client(EcsClient.builder());

	@Test
	void applyScriptFillsEveryPlaceholder() {
		Matcher declared = Pattern.compile("PLACEHOLDERS=\\(([^)]*)\\)")
			.matcher(EcsFiles.read(EcsFiles.DIRECTORY.resolve("apply.sh")));
		assertThat(declared.find()).isTrue();
		Set<String> filled = Set.of(declared.group(1).trim().split("\\s+"));

		Set<String> used = new TreeSet<>();
		jsonFiles().forEach((file) -> used.addAll(EcsFiles.placeholders(file)));

		assertThat(filled).containsAll(used);
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
		assertThat(registered.taskRoleArn()).endsWith(":role/image-worker-task")
			.isNotEqualTo(registered.executionRoleArn());
		assertThat(registered.executionRoleArn()).endsWith(":role/image-worker-execution");
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
		assertThat(container.logConfiguration().options()).containsEntry("awslogs-group", "/ecs/image-worker")
			.containsKeys("awslogs-region", "awslogs-stream-prefix");
		assertThat(container.healthCheck().command()).first().isEqualTo("CMD");
		assertThat(environment(container))
			.containsEntry("MANAGEMENT_CLOUDWATCH_METRICS_EXPORT_NAMESPACE", "ImageWorker")
			.containsEntry("IMAGE_WORKER_QUEUE", "image-processing-queue")
			.doesNotContainKeys("JAVA_TOOL_OPTIONS", "JAVA_OPTS");
	}

	@Test
	void taskEnvironmentBindsToRealProperties() {
		ContainerDefinition container = registerTaskDefinition().containerDefinitions().get(0);

		assertThat(new PropertyEnvironmentVariables().unknown(environment(container).keySet())).isEmpty();
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
	void autoscalingTracksBacklogPerTaskAndStartsFromZero() {
		registerTaskDefinition();
		this.ecs.createCluster((request) -> request.clusterName("media"));
		this.ecs.createService((request) -> request.cluster("media")
			.serviceName("image-worker")
			.taskDefinition("image-worker")
			.desiredCount(0));
		ApplicationAutoScalingClient autoScaling = MOTO.client(ApplicationAutoScalingClient.builder());
		CloudWatchClient cloudWatch = MOTO.client(CloudWatchClient.builder());

		RegisterScalableTargetRequest target = this.files.request(EcsFiles.DIRECTORY.resolve("scalable-target.json"),
				RegisterScalableTargetRequest.serializableBuilderClass());
		autoScaling.registerScalableTarget(target);
		PutScalingPolicyRequest backlog = this.files.request(EcsFiles.DIRECTORY.resolve("backlog-per-task-policy.json"),
				PutScalingPolicyRequest.serializableBuilderClass());
		autoScaling.putScalingPolicy(backlog);
		String stepPolicyArn = autoScaling.putScalingPolicy(
				this.files.<PutScalingPolicyRequest>request(EcsFiles.DIRECTORY.resolve("scale-from-zero-policy.json"),
						PutScalingPolicyRequest.serializableBuilderClass()))
			.policyARN();
		EcsFiles withPolicy = this.files.with("SCALE_FROM_ZERO_POLICY_ARN", stepPolicyArn);
		for (String alarm : List.of("alarm-scale-from-zero", "alarm-queue-depth", "alarm-oldest-message",
				"alarm-dead-letters")) {
			cloudWatch.putMetricAlarm(withPolicy.<PutMetricAlarmRequest>request(
					EcsFiles.DIRECTORY.resolve(alarm + ".json"), PutMetricAlarmRequest.serializableBuilderClass()));
		}

		assertThat(target.minCapacity()).isZero();
		assertThat(target.resourceId()).isEqualTo("service/media/image-worker");
		List<ScalingPolicy> policies = autoScaling
			.describeScalingPolicies(
					(request) -> request.serviceNamespace("ecs").resourceId("service/media/image-worker"))
			.scalingPolicies();
		assertThat(policies).extracting(ScalingPolicy::policyType)
			.containsExactlyInAnyOrder(PolicyType.TARGET_TRACKING_SCALING, PolicyType.STEP_SCALING);
		assertBacklogPerTask(
				backlog.targetTrackingScalingPolicyConfiguration().customizedMetricSpecification().metrics());

		Map<String, MetricAlarm> alarms = new java.util.HashMap<>();
		cloudWatch.describeAlarms((request) -> request.alarmNamePrefix("image-worker-"))
			.metricAlarms()
			.forEach((alarm) -> alarms.put(alarm.alarmName(), alarm));
		assertThat(alarms.get("image-worker-scale-from-zero").alarmActions()).containsExactly(stepPolicyArn);
		MetricAlarm deadLetters = alarms.get("image-worker-dead-letters");
		assertThat(deadLetters.dimensions()).singleElement()
			.satisfies((dimension) -> assertThat(dimension.value()).isEqualTo("image-processing-dlq"));
		assertThat(deadLetters.threshold()).isZero();
		assertThat(deadLetters.comparisonOperator()).isEqualTo(ComparisonOperator.GREATER_THAN_THRESHOLD);
		assertThat(alarms.get("image-worker-oldest-message-age").metricName())
			.isEqualTo("ApproximateAgeOfOldestMessage");
		assertThat(alarms.get("image-worker-queue-depth").metricName()).isEqualTo("ApproximateNumberOfMessagesVisible");
		for (String notifying : List.of("image-worker-dead-letters", "image-worker-oldest-message-age",
				"image-worker-queue-depth")) {
			assertThat(alarms.get(notifying).alarmActions()).as(notifying)
				.containsExactly("arn:aws:sns:" + REGION + ":" + ACCOUNT + ":ops-alarms");
		}
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

	private static void assertBacklogPerTask(List<TargetTrackingMetricDataQuery> metrics) {
		TargetTrackingMetricDataQuery returned = metrics.stream()
			.filter(TargetTrackingMetricDataQuery::returnData)
			.collect(java.util.stream.Collectors.collectingAndThen(java.util.stream.Collectors.toList(),
					(list) -> list.size() == 1 ? list.get(0) : null));
		assertThat(returned).as("exactly one query returns data").isNotNull();
		Matcher division = Pattern.compile("\\s*(\\w+)\\s*/\\s*(\\w+)\\s*").matcher(returned.expression());
		assertThat(division.matches()).as(returned.expression()).isTrue();
		TargetTrackingMetricDataQuery visible = byId(metrics, division.group(1));
		TargetTrackingMetricDataQuery tasks = byId(metrics, division.group(2));
		assertThat(visible.metricStat().metric().namespace()).isEqualTo("AWS/SQS");
		assertThat(visible.metricStat().metric().metricName()).isEqualTo("ApproximateNumberOfMessagesVisible");
		assertThat(visible.metricStat().metric().dimensions()).singleElement()
			.satisfies((dimension) -> assertThat(dimension.value()).isEqualTo("image-processing-queue"));
		assertThat(tasks.metricStat().metric().namespace()).isEqualTo("ECS/ContainerInsights");
		assertThat(tasks.metricStat().metric().metricName()).isEqualTo("RunningTaskCount");
		assertThat(tasks.metricStat().metric().dimensions())
			.extracting((dimension) -> dimension.name() + "=" + dimension.value())
			.containsExactlyInAnyOrder("ClusterName=media", "ServiceName=image-worker");
	}

	private static TargetTrackingMetricDataQuery byId(List<TargetTrackingMetricDataQuery> metrics, String id) {
		return metrics.stream().filter((metric) -> metric.id().equals(id)).findFirst().orElseThrow();
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

	private static List<Path> jsonFiles() {
		try (Stream<Path> files = java.nio.file.Files.list(EcsFiles.DIRECTORY)) {
			return Stream
				.concat(Stream.of(EcsFiles.TASK_DEFINITION), files.filter((file) -> file.toString().endsWith(".json")))
				.toList();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
