package dev.imageworker.deploy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import com.sun.net.httpserver.HttpServer;
import dev.imageworker.ImageWorkerApplication;
import dev.imageworker.scaling.CloudWatchExport;
import dev.imageworker.support.ExternalToolTest;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.PutScalingPolicyRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.RegisterScalableTargetRequest;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.StackResourceSummary;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudfront.CloudFrontClient;
import software.amazon.awssdk.services.cloudfront.model.Distribution;
import software.amazon.awssdk.services.cloudfront.model.DistributionConfig;
import software.amazon.awssdk.services.cloudfront.model.OriginAccessControlConfig;
import software.amazon.awssdk.services.cloudfront.model.Origin;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DimensionFilter;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The template deployed with CloudFormation's API against moto, then the worker run on
 * the stack's wiring. Moto creates the queues, buckets, table, topics, log group, roles,
 * cluster, task definition, service, EventBridge rule and dashboard; the resource types
 * it does not implement ({@link CloudFormationTemplate#NOT_IMPLEMENTED_BY_MOTO}) are
 * listed, asserted from the template by {@code CloudFormationTemplateTests}, and their
 * resolved properties sent here to the service APIs moto does implement. So is the one
 * property the end-to-end run needs and moto's {@code AWS::S3::Bucket} drops: the upload
 * notification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudFormationStackIT {

	/** Its own moto: LocalStack's free edition, which Docker would pick, has no ECS. */
	private static final LocalAws MOTO = LocalAws.startMoto();

	private static final String ACCOUNT = "123456789012";

	private static final String IMAGE = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/team/image-worker:0.1.0";

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final CloudFormationTemplate template = CloudFormationTemplate.load();

	private final JsonMapper json = JsonMapper.builder().build();

	private final CloudFormationClient cloudFormation = MOTO.client(CloudFormationClient.builder());

	private final SqsClient sqs = MOTO.sqs();

	private final S3Client s3 = MOTO.s3();

	private final IamClient iam = MOTO.client(IamClient.builder());

	private final EcsClient ecs = MOTO.client(EcsClient.builder());

	/**
	 * A complete set in the short form the worker binds today, so the run below shows the
	 * stack's Variants parameter reaching the worker.
	 */
	private static final String VARIANTS = "{\"thumb\":256,\"medium\":1024,\"small\":64}";

	private Stack stack;

	@BeforeAll
	void createStack() {
		this.stack = create("thumbs", Map.of("Variants", VARIANTS));
	}

	@AfterAll
	void closeClients() {
		this.cloudFormation.close();
	}

	@Test
	void motoCreatesWhatItImplementsAndSkipsOnlyTheTypesCheckedStatically() {
		Map<String, String> expected = new TreeMap<>();
		this.template.resources().forEach((id, resource) -> {
			if (this.stack.values().exists(id)) {
				expected.put(id, (String) resource.get("Type"));
			}
		});
		Set<String> skippedTypes = new TreeSet<>(expected.values());
		skippedTypes.removeAll(this.stack.types().values());
		Map<String, String> missing = new TreeMap<>(expected);
		missing.keySet().removeAll(this.stack.types().keySet());
		System.out.println("Created by moto's CloudFormation: " + this.stack.types());
		System.out.println("Not implemented by moto, checked statically and through the service APIs: " + missing);

		Set<String> notImplementedHere = new TreeSet<>(CloudFormationTemplate.NOT_IMPLEMENTED_BY_MOTO);
		notImplementedHere.retainAll(expected.values());
		assertThat(skippedTypes).as("resource types moto skipped").isEqualTo(notImplementedHere);
		assertThat(missing.values()).as("nothing of an implemented type is missing")
			.allMatch(CloudFormationTemplate.NOT_IMPLEMENTED_BY_MOTO::contains);
		assertThat(this.stack.types()).as("no resource whose condition is false")
			.doesNotContainKeys("SourceEventsRule", "OperatorPolicy", "OperatorSecretPolicy", "Cdn",
					"CdnOriginAccessControl");
	}

	@Test
	void theCreatedResourcesHaveTheTemplatesSettings() {
		assertThat(this.stack.output("BulkQueueName")).isEqualTo("thumbs-bulk");
		assertThat(this.stack.output("BulkQueueUrl")).endsWith("/thumbs-bulk");
		for (String name : List.of(this.stack.output("QueueName"), this.stack.output("BulkQueueName"))) {
			Map<String, String> queue = queueAttributes(name);
			assertThat(queue).as(name)
				.containsEntry("VisibilityTimeout", "120")
				.containsEntry("MessageRetentionPeriod", "1209600")
				.containsEntry("ReceiveMessageWaitTimeSeconds", "20")
				.containsEntry("SqsManagedSseEnabled", "true");
			JsonNode redrive = this.json.readTree(queue.get("RedrivePolicy"));
			assertThat(redrive.path("deadLetterTargetArn").asString()).as(name)
				.isEqualTo(this.stack.values().resolve(CloudFormationTemplate.getAtt("DeadLetterQueue", "Arn")));
			assertThat(redrive.path("maxReceiveCount").asInt()).as(name).isEqualTo(3);
		}
		assertThat(queueAttributes(this.stack.output("DeadLetterQueueName")))
			.containsEntry("SqsManagedSseEnabled", "true")
			.containsEntry("MessageRetentionPeriod", "1209600");

		String stackUuid = this.stack.id().substring(this.stack.id().lastIndexOf('/') + 1);
		assertThat(this.stack.output("SourceBucketName")).isEqualTo("image-uploads-" + stackUuid);
		for (String bucket : List.of(this.stack.output("SourceBucketName"), this.stack.output("OutputBucketName"))) {
			assertThat(this.s3.getBucketEncryption((request) -> request.bucket(bucket))
				.serverSideEncryptionConfiguration()
				.rules()
				.get(0)
				.applyServerSideEncryptionByDefault()
				.sseAlgorithmAsString()).as(bucket).isEqualTo("AES256");
		}
		try (DynamoDbClient dynamo = MOTO.dynamo()) {
			TableDescription table = dynamo
				.describeTable((request) -> request.tableName(this.stack.output("TableName")))
				.table();
			assertThat(table.keySchema()).singleElement()
				.satisfies((key) -> assertThat(key.attributeName() + " " + key.keyTypeAsString())
					.isEqualTo("imageId HASH"));
			assertThat(table.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
			assertThat(table.deletionProtectionEnabled()).isTrue();
		}
		assertThat(this.ecs
			.describeServices((request) -> request.cluster(this.stack.output("ClusterName"))
				.services(this.stack.output("ServiceName")))
			.services()).singleElement()
			.satisfies((service) -> assertThat(service.taskDefinition())
				.isEqualTo(this.stack.output("TaskDefinitionArn")));

		ContainerDefinition container = taskDefinitionContainer(this.stack.output("TaskDefinitionArn"));
		Map<?, ?> resolved = (Map<?, ?>) at(this.stack.values().properties("TaskDefinition"), "ContainerDefinitions.0");
		assertThat(container.image()).isEqualTo(IMAGE);
		assertThat(container.readonlyRootFilesystem()).isTrue();
		assertThat(container.stopTimeout()).isEqualTo(120);
		assertThat(container.healthCheck().command()).isEqualTo(at(resolved, "HealthCheck.Command"));
		Map<String, String> expectedEnvironment = new LinkedHashMap<>();
		for (Object pair : (List<?>) resolved.get("Environment")) {
			expectedEnvironment.put((String) ((Map<?, ?>) pair).get("Name"),
					String.valueOf(((Map<?, ?>) pair).get("Value")));
		}
		assertThat(environment(container)).isEqualTo(expectedEnvironment);

		try (CloudWatchClient cloudWatch = MOTO.client(CloudWatchClient.builder())) {
			JsonNode dashboard = this.json.readTree(
					cloudWatch.getDashboard((request) -> request.dashboardName("thumbs-image-worker")).dashboardBody());
			assertThat(dashboard.path("widgets").size()).isEqualTo(6);
			assertThat(dashboard.toString()).contains("\"thumbs-queue\"", "\"thumbs-bulk\"").doesNotContain("${");
		}
		assertThat(this.iam.listRolePolicies((request) -> request.roleName(this.stack.physicalId("TaskRole")))
			.policyNames()).containsExactlyInAnyOrder("worker", "task-protection");
		assertThat(this.json.readTree(environment(container).get("SPRING_APPLICATION_JSON")))
			.as("the Variants parameter, whole")
			.isEqualTo(this.json.readTree("{\"image-worker\":{\"variants\":" + VARIANTS + "}}"));
	}

	@Test
	void theRolesCarryTheJsonPoliciesWithTheStacksNames() {
		EcsFiles files = files(this.stack, this.stack.output("SourceBucketName"));
		String taskRole = this.stack.physicalId("TaskRole");
		String executionRole = this.stack.physicalId("ExecutionRole");

		assertThat(rolePolicy(taskRole, "worker"))
			.isEqualTo(files.json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")));
		assertThat(rolePolicy(executionRole, "execution"))
			.isEqualTo(files.json(EcsFiles.DIRECTORY.resolve("execution-role-policy.json")));
		assertThat(trustPolicy(taskRole)).isEqualTo(files.json(EcsFiles.DIRECTORY.resolve("task-role-trust.json")));
		assertThat(trustPolicy(executionRole))
			.isEqualTo(files.json(EcsFiles.DIRECTORY.resolve("execution-role-trust.json")));
		assertThat(at(rolePolicy(taskRole, "task-protection"), "Statement.0.Resource"))
			.isEqualTo("arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/" + this.stack.output("ClusterName") + "/*");
	}

	@Test
	void theResourcesMotoSkipsAreAcceptedByTheServiceApis() {
		StackValues values = this.stack.values();
		Map<String, Object> queuePolicy = values.properties("QueuePolicy");
		String document = this.json.writeValueAsString(queuePolicy.get("PolicyDocument"));
		this.sqs.setQueueAttributes((request) -> request.queueUrl(this.stack.output("QueueUrl").replaceFirst(".*/", ""))
			.attributes(Map.of(QueueAttributeName.POLICY, document)));
		assertThat(this.json.readTree(queueAttributes(this.stack.output("QueueName")).get("Policy")))
			.isEqualTo(this.json.readTree(document));
		assertThat(at(queuePolicy, "PolicyDocument.Statement.0.Condition.ArnEquals.aws:SourceArn"))
			.as("the name the queue policy gives the upload bucket is the bucket's")
			.isEqualTo("arn:aws:s3:::" + this.stack.output("SourceBucketName"));
		assertThat(at(queuePolicy, "PolicyDocument.Statement.0.Condition.StringEquals.aws:SourceAccount"))
			.isEqualTo(ACCOUNT);
		Map<String, Object> bulkPolicy = values.properties("BulkQueuePolicy");
		String bulkDocument = this.json.writeValueAsString(bulkPolicy.get("PolicyDocument"));
		assertThat(bulkPolicy.get("Queues")).isEqualTo(List.of(this.stack.output("BulkQueueUrl")));
		this.sqs
			.setQueueAttributes((request) -> request.queueUrl(this.stack.output("BulkQueueUrl").replaceFirst(".*/", ""))
				.attributes(Map.of(QueueAttributeName.POLICY, bulkDocument)));
		assertThat(this.json.readTree(queueAttributes(this.stack.output("BulkQueueName")).get("Policy")))
			.isEqualTo(this.json.readTree(bulkDocument));

		for (String bucketPolicy : List.of("SourceBucketPolicy", "OutputBucketPolicy")) {
			Map<String, Object> properties = values.properties(bucketPolicy);
			String policy = this.json.writeValueAsString(properties.get("PolicyDocument"));
			this.s3.putBucketPolicy((request) -> request.bucket((String) properties.get("Bucket")).policy(policy));
			assertThat(this.json.readTree(
					this.s3.getBucketPolicy((request) -> request.bucket((String) properties.get("Bucket"))).policy()))
				.isEqualTo(this.json.readTree(policy));
		}
		try (SnsClient sns = MOTO.sns()) {
			Map<String, Object> topicPolicy = values.properties("EventsTopicPolicy");
			sns.setTopicAttributes((request) -> request.topicArn(this.stack.output("EventsTopicArn"))
				.attributeName("Policy")
				.attributeValue(this.json.writeValueAsString(topicPolicy.get("PolicyDocument"))));
		}

		try (ApplicationAutoScalingClient autoScaling = MOTO.client(ApplicationAutoScalingClient.builder());
				CloudWatchClient cloudWatch = MOTO.client(CloudWatchClient.builder())) {
			Map<String, Object> target = values.properties("ScalableTarget");
			autoScaling.registerScalableTarget(EcsFiles.<RegisterScalableTargetRequest>request(target,
					RegisterScalableTargetRequest.serializableBuilderClass(), "ScalableTarget"));
			assertThat(target.get("ResourceId"))
				.isEqualTo("service/" + this.stack.output("ClusterName") + "/" + this.stack.output("ServiceName"));
			for (String policy : this.template.ofType("AWS::ApplicationAutoScaling::ScalingPolicy")) {
				Map<String, Object> properties = new LinkedHashMap<>(values.properties(policy));
				properties.remove("ScalingTargetId");
				properties.put("ServiceNamespace", target.get("ServiceNamespace"));
				properties.put("ScalableDimension", target.get("ScalableDimension"));
				properties.put("ResourceId", target.get("ResourceId"));
				String arn = autoScaling
					.putScalingPolicy(EcsFiles.<PutScalingPolicyRequest>request(properties,
							PutScalingPolicyRequest.serializableBuilderClass(), policy))
					.policyARN();
				values.with(policy, arn);
			}
			for (String alarm : this.template.ofType("AWS::CloudWatch::Alarm")) {
				cloudWatch.putMetricAlarm(EcsFiles.<PutMetricAlarmRequest>request(values.properties(alarm),
						PutMetricAlarmRequest.serializableBuilderClass(), alarm));
			}

			List<ScalingPolicy> policies = autoScaling
				.describeScalingPolicies(
						(request) -> request.serviceNamespace("ecs").resourceId((String) target.get("ResourceId")))
				.scalingPolicies();
			assertThat(policies).extracting(ScalingPolicy::policyName)
				.containsExactlyInAnyOrder("thumbs-backlog-per-task", "thumbs-cpu-utilization",
						"thumbs-scale-from-zero", "thumbs-fast-scale-out");
			Map<String, MetricAlarm> alarms = new HashMap<>();
			cloudWatch.describeAlarms((request) -> request.alarmNamePrefix("thumbs-"))
				.metricAlarms()
				.forEach((alarm) -> alarms.put(alarm.alarmName(), alarm));
			assertThat(alarms).containsOnlyKeys("thumbs-scale-from-zero", "thumbs-fast-scale-out",
					"thumbs-dead-letters", "thumbs-oldest-message-age", "thumbs-queue-depth",
					"thumbs-tasks-at-maximum");
			assertThat(alarms.get("thumbs-fast-scale-out").alarmActions()).containsExactly(policies.stream()
				.filter((policy) -> policy.policyName().equals("thumbs-fast-scale-out"))
				.findFirst()
				.orElseThrow()
				.policyARN());
			assertThat(alarms.get("thumbs-dead-letters").alarmActions())
				.containsExactly(this.stack.output("AlarmTopicArn"));
			assertThat(alarms.get("thumbs-queue-depth").metrics())
				.anySatisfy((query) -> assertThat(query.expression()).isEqualTo("(visible + inflight) / 200"));
		}
	}

	@Test
	void anUploadBecomesThumbnailsWithTheWorkerOnTheStacksWiring() throws Exception {
		String uploads = this.stack.output("SourceBucketName");
		String thumbnails = this.stack.output("OutputBucketName");
		applyTheUploadNotification(this.stack.values());
		String eventsQueue = subscribeAQueue(this.stack.output("EventsTopicArn"));

		try (AgentStandIn agent = new AgentStandIn();
				ConfigurableApplicationContext worker = startWorker(this.stack, agent.uri())) {
			// The test event S3 sent when the notification was set goes first, with the
			// protection it may cause, so the upload's message is held on its own.
			await().atMost(PATIENCE).untilAsserted(() -> {
				assertThat(queueAttributes(this.stack.output("QueueName")))
					.containsEntry("ApproximateNumberOfMessages", "0")
					.containsEntry("ApproximateNumberOfMessagesNotVisible", "0");
				assertThat(agent.requests()).satisfiesAnyOf((requests) -> assertThat(requests).isEmpty(),
						(requests) -> assertThat(requests).last().isEqualTo("{\"ProtectionEnabled\":false}"));
			});
			int heldBefore = agent.requests().size();
			String eTag = this.s3
				.putObject((request) -> request.bucket(uploads).key("uploads/u1/img_0123456789abcdef.jpg"),
						RequestBody.fromBytes(SampleImages.jpeg(1600, 1200)))
				.eTag()
				.replace("\"", "");

			try (DynamoDbClient dynamo = MOTO.dynamo()) {
				await().atMost(PATIENCE).untilAsserted(() -> {
					Map<String, AttributeValue> item = dynamo
						.getItem((request) -> request.tableName(this.stack.output("TableName"))
							.key(Map.of("imageId", AttributeValue.fromS("img_0123456789abcdef"))))
						.item();
					assertThat(item).as("the item, claimed and completed")
						.containsEntry(STATUS, AttributeValue.fromS("COMPLETED"));
				});
			}
			for (String variant : List.of("thumb", "medium", "small")) {
				String key = "img_0123456789abcdef/" + eTag + "/" + variant + ".jpg";
				assertThat(this.s3.headObject((request) -> request.bucket(thumbnails).key(key)).contentType()).as(key)
					.isEqualTo("image/jpeg");
			}
			await().atMost(PATIENCE).untilAsserted(() -> assertThat(receive(eventsQueue)).anySatisfy((body) -> {
				assertThat(body).contains("\"imageId\":\"img_0123456789abcdef\"").contains("\"status\":\"COMPLETED\"");
			}));
			await().atMost(PATIENCE).untilAsserted(() -> {
				List<String> requests = agent.requests();
				assertThat(requests.subList(heldBefore, requests.size()))
					.as("protected while the message was held, cleared once idle")
					.containsExactly("{\"ProtectionEnabled\":true,\"ExpiresInMinutes\":30}",
							"{\"ProtectionEnabled\":false}");
			});

			try (CloudWatchClient cloudWatch = MOTO.client(CloudWatchClient.builder())) {
				await().atMost(PATIENCE).untilAsserted(() -> {
					List<String> names = cloudWatch
						.listMetrics((request) -> request.namespace("ImageWorker")
							.dimensions(DimensionFilter.builder().name("application").value("thumbs").build()))
						.metrics()
						.stream()
						.map(Metric::metricName)
						.distinct()
						.toList();
					assertThat(names).contains("imageworker.images.count")
						.allMatch(
								(name) -> CloudWatchExport.METERS
									.contains(name.replaceFirst("\\.(count|sum|avg|max)$", "")),
								"one of the dashboard's meters");
				});
				await().atMost(PATIENCE)
					.untilAsserted(() -> assertThat(cloudWatch.listMetrics(
							(request) -> request.namespace("ImageWorker").metricName(CloudWatchExport.BACKLOG_METRIC))
						.metrics())
						.anySatisfy((metric) -> assertThat(metric.dimensions()).singleElement()
							.satisfies((dimension) -> assertThat(dimension.value()).isEqualTo("thumbs-queue"))));
			}

			// A job as the reprocess command sends it, to the queue the stack gave the
			// worker for them.
			String bulkQueue = this.sqs.getQueueUrl((request) -> request.queueName(this.stack.output("BulkQueueName")))
				.queueUrl();
			this.sqs.sendMessage((request) -> request.queueUrl(bulkQueue)
				.messageBody("{\"bucket\":\"%s\",\"s3Key\":\"uploads/u1/img_0123456789abcdef.jpg\",\"reprocess\":true}"
					.formatted(uploads)));
			await().atMost(PATIENCE).untilAsserted(() -> assertThat(receive(eventsQueue)).anySatisfy((body) -> {
				assertThat(body).contains("\"imageId\":\"img_0123456789abcdef\"")
					.contains("\"status\":\"COMPLETED\"")
					.contains("\"reprocessed\":true");
			}));
		}
	}

	@Test
	void anExistingBucketAndClusterAreUsedAndTheirUploadsArriveThroughEventBridge() {
		String bucket = "existing-uploads-" + UUID.randomUUID();
		this.s3.createBucket((request) -> request.bucket(bucket));
		this.ecs.createCluster((request) -> request.clusterName("media"));

		Stack existing = create("thumbs-existing",
				Map.of("ExistingSourceBucketName", bucket, "ExistingClusterName", "media"));

		assertThat(existing.types()).doesNotContainKeys("SourceBucket", "Cluster").containsKey("SourceEventsRule");
		assertThat(existing.output("SourceBucketName")).isEqualTo(bucket);
		assertThat(existing.output("ClusterName")).isEqualTo("media");
		assertThat(this.ecs.listServices((request) -> request.cluster("media")).serviceArns()).hasSize(1);
		assertThat(rolePolicy(existing.physicalId("TaskRole"), "worker"))
			.isEqualTo(files(existing, bucket).json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")));
		assertThat(at(rolePolicy(existing.physicalId("TaskRole"), "task-protection"), "Statement.0.Resource"))
			.isEqualTo("arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/media/*");
		Map<String, Object> queuePolicy = existing.values().properties("QueuePolicy");
		assertThat(at(queuePolicy, "PolicyDocument.Statement.0.Principal.Service")).isEqualTo("events.amazonaws.com");
		assertThat(at(queuePolicy, "PolicyDocument.Statement.0.Condition.ArnEquals.aws:SourceArn"))
			.isEqualTo("arn:aws:events:us-east-1:" + ACCOUNT + ":rule/" + existing.physicalId("SourceEventsRule"));

		// What docs/deployment.md has the bucket's owner do: send its events to
		// EventBridge.
		this.s3.putBucketNotificationConfiguration((request) -> request.bucket(bucket)
			.notificationConfiguration((configuration) -> configuration.eventBridgeConfiguration((eventBridge) -> {
			})));
		for (String key : List.of("elsewhere/bob/img_0b0b0b0b0b0b0b0b.jpg", "uploads/bob/img_0c0c0c0c0c0c0c0c.jpg")) {
			this.s3.putObject((request) -> request.bucket(bucket).key(key),
					RequestBody.fromBytes(SampleImages.jpeg(64, 48)));
		}

		List<String> bodies = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			bodies.addAll(receive(existing.output("QueueName")));
			return !bodies.isEmpty();
		});
		bodies.addAll(receive(existing.output("QueueName")));
		assertThat(bodies).singleElement().satisfies((body) -> {
			JsonNode event = this.json.readTree(body);
			assertThat(event.path("detail-type").asString()).isEqualTo("Object Created");
			assertThat(event.path("detail").path("bucket").path("name").asString()).isEqualTo(bucket);
			assertThat(event.path("detail").path("object").path("key").asString())
				.isEqualTo("uploads/bob/img_0c0c0c0c0c0c0c0c.jpg");
		});
	}

	@Test
	void aTeamsOwnQueueTableTopicAndOutputBucketAreUsedAndOnlyTheRestIsCreated() {
		String suffix = UUID.randomUUID().toString().substring(0, 8);
		this.sqs.createQueue((request) -> request.queueName("team-uploads-dlq"));
		String deadLetters = queueAttributes("team-uploads-dlq").get("QueueArn");
		String redrive = "{\"deadLetterTargetArn\":\"" + deadLetters + "\",\"maxReceiveCount\":\"5\"}";
		this.sqs.createQueue((request) -> request.queueName("team-uploads")
			.attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, redrive)));
		String uploads = "team-uploads-" + suffix;
		String variants = "team-variants-" + suffix;
		this.s3.createBucket((request) -> request.bucket(uploads));
		this.s3.createBucket((request) -> request.bucket(variants));
		String topic;
		try (DynamoDbClient dynamo = MOTO.dynamo(); SnsClient sns = MOTO.sns()) {
			dynamo.createTable((request) -> request.tableName("team-images")
				.keySchema((key) -> key.attributeName("imageId").keyType(KeyType.HASH))
				.attributeDefinitions(
						(attribute) -> attribute.attributeName("imageId").attributeType(ScalarAttributeType.S))
				.billingMode(BillingMode.PAY_PER_REQUEST));
			topic = sns.createTopic((request) -> request.name("team-image-events")).topicArn();
		}

		Stack adopted = create("thumbs-adopted",
				Map.of("ExistingQueueName", "team-uploads", "ExistingDeadLetterQueueName", "team-uploads-dlq",
						"ExistingSourceBucketName", uploads, "ExistingTableName", "team-images", "ExistingTopicName",
						"team-image-events", "ExistingOutputBucketName", variants));

		assertThat(adopted.types()).as("created only what the team lacks")
			.doesNotContainKeys("Queue", "DeadLetterQueue", "SourceBucket", "SourceEventsRule", "OutputBucket", "Table",
					"EventsTopic")
			.containsKeys("BulkQueue", "TaskRole", "TaskDefinition", "Service");
		assertThat(adopted.output("QueueName")).isEqualTo("team-uploads");
		assertThat(adopted.output("DeadLetterQueueArn")).isEqualTo(deadLetters);
		assertThat(adopted.output("TableName")).isEqualTo("team-images");
		assertThat(adopted.output("EventsTopicArn")).isEqualTo(topic);
		assertThat(adopted.output("OutputBucketName")).isEqualTo(variants);
		assertThat(environment(taskDefinitionContainer(adopted.output("TaskDefinitionArn"))))
			.containsEntry("IMAGE_WORKER_QUEUE", "team-uploads")
			.containsEntry("IMAGE_WORKER_DEAD_LETTER_QUEUE", "team-uploads-dlq")
			.containsEntry("IMAGE_WORKER_SOURCE_BUCKETS", uploads)
			.containsEntry("IMAGE_WORKER_OUTPUT_BUCKET", variants)
			.containsEntry("IMAGE_WORKER_TABLE", "team-images")
			.containsEntry("IMAGE_WORKER_TOPIC", topic)
			.containsEntry("IMAGE_WORKER_BULK_QUEUE", adopted.output("BulkQueueName"));
		assertThat(rolePolicy(adopted.physicalId("TaskRole"), "worker")).as("the grants follow the team's resources")
			.isEqualTo(files(adopted, uploads).json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")));
		assertThat(this.json.readTree(queueAttributes(adopted.output("BulkQueueName")).get("RedrivePolicy"))
			.path("deadLetterTargetArn")
			.asString()).as("bulk jobs dead-letter with the uploads").isEqualTo(deadLetters);
		Map<String, String> teamQueue = queueAttributes("team-uploads");
		assertThat(teamQueue).as("the team's queue is left as it was, its policy too").doesNotContainKey("Policy");
		assertThat(this.json.readTree(teamQueue.get("RedrivePolicy")).path("maxReceiveCount").asInt()).isEqualTo(5);
	}

	@Test
	void onEksTheStackHoldsTheResourcesAndThePodsRoleThatTheChartTakes() {
		String issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
		Stack eks = create("thumbs-eks", Map.of("Platform", "eks", "EksOidcProvider", issuer, "KubernetesNamespace",
				"media", "KubernetesServiceAccount", "thumbs-image-worker"));

		assertThat(eks.types())
			.containsKeys("Queue", "DeadLetterQueue", "BulkQueue", "SourceBucket", "OutputBucket", "Table",
					"EventsTopic", "TaskRole")
			.doesNotContainKeys("Cluster", "TaskDefinition", "Service", "ExecutionRole", "LogGroup",
					"TaskProtectionPolicy", "Dashboard");
		assertThat(eks.outputs()).doesNotContainKeys("ClusterName", "ServiceName", "TaskRoleArn");
		String role = eks.physicalId("TaskRole");
		assertThat(eks.output("PodRoleArn")).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/" + role);
		Map<String, Object> trust = trustPolicy(role);
		assertThat(at(trust, "Statement.0.Principal.Service")).isEqualTo("pods.eks.amazonaws.com");
		assertThat(at(trust, "Statement.0.Condition.StringEquals"))
			.isEqualTo(Map.of("aws:RequestTag/kubernetes-namespace", "media",
					"aws:RequestTag/kubernetes-service-account", "thumbs-image-worker"));
		assertThat(at(trust, "Statement.1.Principal.Federated"))
			.isEqualTo("arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + issuer);
		assertThat(at(trust, "Statement.1.Condition.StringEquals")).isEqualTo(Map.of(issuer + ":sub",
				"system:serviceaccount:media:thumbs-image-worker", issuer + ":aud", "sts.amazonaws.com"));
		assertThat(this.iam.listRolePolicies((request) -> request.roleName(role)).policyNames())
			.containsExactly("worker");
		assertThat(rolePolicy(role, "worker")).isEqualTo(
				files(eks, eks.output("SourceBucketName")).json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")));

		// The chart with the values the stack prints for it, as docs/deployment.md runs
		// it.
		TemplateCommand chart = new Helm(Path.of("helm/image-worker")).template()
			.withName("thumbs")
			.withNamespace("media")
			.withKubeVersion("1.31.0");
		String[] words = eks.output("HelmSetValues").trim().split("\\s+");
		for (int word = 0; word < words.length; word += 2) {
			assertThat(words[word]).isEqualTo("--set");
			String[] setting = words[word + 1].split("=", 2);
			chart = chart.set(setting[0], setting[1]);
		}
		Manifests manifests = Manifests.parse(chart.call());
		assertThat(at(manifests.one("ConfigMap"), "data")).isInstanceOfSatisfying(Map.class,
				(data) -> assertThat(data).containsEntry("IMAGE_WORKER_QUEUE", eks.output("QueueName"))
					.containsEntry("IMAGE_WORKER_BULK_QUEUE", eks.output("BulkQueueName"))
					.containsEntry("IMAGE_WORKER_DEAD_LETTER_QUEUE", eks.output("DeadLetterQueueName"))
					.containsEntry("IMAGE_WORKER_SOURCE_BUCKETS", eks.output("SourceBucketName"))
					.containsEntry("IMAGE_WORKER_OUTPUT_BUCKET", eks.output("OutputBucketName"))
					.containsEntry("IMAGE_WORKER_TABLE", eks.output("TableName"))
					.containsEntry("IMAGE_WORKER_TOPIC", eks.output("EventsTopicArn"))
					.containsEntry("SPRING_CLOUD_AWS_REGION_STATIC", "us-east-1"));
		assertThat(at(manifests.one("ServiceAccount"), "metadata.name")).as("the service account the role trusts")
			.isEqualTo("thumbs-image-worker");
		assertThat(((Map<?, ?>) at(manifests.one("ServiceAccount"), "metadata.annotations"))
			.get("eks.amazonaws.com/role-arn")).isEqualTo(eks.output("PodRoleArn"));
		assertThat(at(manifests.one("ScaledObject"), "spec.triggers.0.metadata.queueURL"))
			.isEqualTo("https://sqs.us-east-1.amazonaws.com/" + ACCOUNT + "/" + eks.output("QueueName"));
	}

	/**
	 * Moto's CloudFormation creates neither CloudFront type and refuses a stack that
	 * reads an attribute of one, so the distribution is made first in moto's CloudFront,
	 * its domain name written into the template where the template reads it, and after
	 * the stack both CloudFront resources and the bucket policy are sent, resolved with
	 * the stack's values, to the service APIs.
	 */
	@Test
	void withCreateCdnTheDistributionAloneReadsTheOutputsAndTheWorkerGetsItsUrl() {
		try (CloudFrontClient cloudFront = MOTO.client(CloudFrontClient.builder())) {
			Distribution placeholder = cloudFront
				.createDistribution((request) -> request.distributionConfig(distributionConfig("thumbs-cdn",
						Map.of("Comment", "placeholder", "Enabled", true, "Origins",
								List.of(Map.of("Id", "outputs", "DomainName",
										"placeholder.s3.us-east-1.amazonaws.com")),
								"DefaultCacheBehavior",
								Map.of("TargetOriginId", "outputs", "ViewerProtocolPolicy", "allow-all")))))
				.distribution();
			String domain = placeholder.domainName();
			Stack cdn = create("thumbs-cdn", Map.of("CreateCdn", "true", "Variants", HelmChartTests.EXAMPLE_VARIANTS),
					EcsFiles.read(CloudFormationTemplate.PATH).replace("${Cdn.DomainName}", domain));
			StackValues values = cdn.values().with("Cdn", placeholder.id()).with("Cdn.DomainName", domain);

			Set<String> skipped = new TreeSet<>();
			this.template.resources().forEach((id, resource) -> {
				if (values.exists(id) && !cdn.types().containsKey(id)) {
					skipped.add((String) resource.get("Type"));
				}
			});
			assertThat(skipped).as("every type moto skips, the CloudFront ones included")
				.isEqualTo(CloudFormationTemplate.NOT_IMPLEMENTED_BY_MOTO);

			OriginAccessControlConfig controlConfig = EcsFiles.request(
					map(at(values.properties("CdnOriginAccessControl"), "OriginAccessControlConfig")),
					OriginAccessControlConfig.serializableBuilderClass(), "CdnOriginAccessControl");
			String control = cloudFront
				.createOriginAccessControl((request) -> request.originAccessControlConfig(controlConfig))
				.originAccessControl()
				.id();
			values.with("CdnOriginAccessControl.Id", control);
			String eTag = cloudFront.getDistribution((request) -> request.id(placeholder.id())).eTag();
			cloudFront.updateDistribution((request) -> request.id(placeholder.id())
				.ifMatch(eTag)
				.distributionConfig(
						distributionConfig("thumbs-cdn", map(values.properties("Cdn").get("DistributionConfig")))));
			Distribution distribution = cloudFront.getDistribution((request) -> request.id(placeholder.id()))
				.distribution();
			// Moto's CloudFront keeps no origin's access control id: the one sent is
			// checked.
			assertThat(at(values.properties("Cdn"), "DistributionConfig.Origins.0.OriginAccessControlId"))
				.isEqualTo(control);
			assertThat(cloudFront.getOriginAccessControl((request) -> request.id(control))
				.originAccessControl()
				.originAccessControlConfig()).isEqualTo(controlConfig);
			assertThat(distribution.distributionConfig().origins().items()).singleElement()
				.satisfies((origin) -> assertThat(origin.domainName())
					.isEqualTo(cdn.output("OutputBucketName") + ".s3.us-east-1.amazonaws.com"));
			assertThat(distribution.distributionConfig().defaultCacheBehavior().viewerProtocolPolicyAsString())
				.isEqualTo("redirect-to-https");

			Map<String, Object> bucketPolicy = values.properties("OutputBucketPolicy");
			String policy = this.json.writeValueAsString(bucketPolicy.get("PolicyDocument"));
			this.s3.putBucketPolicy((request) -> request.bucket(cdn.output("OutputBucketName")).policy(policy));
			JsonNode grant = this.json
				.readTree(this.s3.getBucketPolicy((request) -> request.bucket(cdn.output("OutputBucketName"))).policy())
				.path("Statement")
				.get(1);
			assertThat(grant.path("Principal").path("Service").asString()).isEqualTo("cloudfront.amazonaws.com");
			// The distribution's ARN has an empty region, which moto's own leaves out.
			assertThat(grant.path("Condition").path("ArnEquals").path("aws:SourceArn").asString())
				.isEqualTo("arn:aws:cloudfront::" + ACCOUNT + ":distribution/" + distribution.id());

			Map<String, String> environment = environment(taskDefinitionContainer(cdn.output("TaskDefinitionArn")));
			assertThat(environment).containsEntry("IMAGE_WORKER_PUBLIC_BASE_URL", "https://" + domain);
			assertThat(cdn.output("PublicBaseUrl")).isEqualTo("https://" + domain);
			assertThat(this.json.readTree(environment.get("SPRING_APPLICATION_JSON"))).as("the responsive example set")
				.isEqualTo(this.json
					.readTree("{\"image-worker\":{\"variants\":" + HelmChartTests.EXAMPLE_VARIANTS + "}}"));
		}
	}

	/**
	 * A CloudFormation {@code DistributionConfig} as the CloudFront API's, which counts
	 * its lists and names two members otherwise.
	 */
	private static DistributionConfig distributionConfig(String callerReference, Map<String, Object> template) {
		List<Origin> origins = new ArrayList<>();
		for (Object origin : (List<?>) template.get("Origins")) {
			Map<?, ?> fields = (Map<?, ?>) origin;
			Origin.Builder builder = Origin.builder()
				.id((String) fields.get("Id"))
				.domainName((String) fields.get("DomainName"))
				.originAccessControlId((String) fields.get("OriginAccessControlId"));
			if (fields.get("S3OriginConfig") != null) {
				builder.s3OriginConfig((s3Origin) -> s3Origin
					.originAccessIdentity((String) at(fields, "S3OriginConfig.OriginAccessIdentity")));
			}
			origins.add(builder.build());
		}
		Map<?, ?> behaviour = (Map<?, ?>) template.get("DefaultCacheBehavior");
		List<String> allowed = strings(behaviour.get("AllowedMethods"), List.of("GET", "HEAD"));
		List<String> cached = strings(behaviour.get("CachedMethods"), List.of("GET", "HEAD"));
		return DistributionConfig.builder()
			.callerReference(callerReference)
			.comment((String) template.get("Comment"))
			.enabled((Boolean) template.get("Enabled"))
			.httpVersion((String) template.get("HttpVersion"))
			.isIPV6Enabled((Boolean) template.get("IPV6Enabled"))
			.origins((list) -> list.quantity(origins.size()).items(origins))
			.defaultCacheBehavior((cache) -> cache.targetOriginId((String) behaviour.get("TargetOriginId"))
				.viewerProtocolPolicy((String) behaviour.get("ViewerProtocolPolicy"))
				.cachePolicyId((String) behaviour.get("CachePolicyId"))
				.compress((Boolean) behaviour.get("Compress"))
				.allowedMethods((methods) -> methods.quantity(allowed.size())
					.itemsWithStrings(allowed)
					.cachedMethods((cachedMethods) -> cachedMethods.quantity(cached.size()).itemsWithStrings(cached))))
			.build();
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object value, List<String> otherwise) {
		return (value != null) ? (List<String>) value : otherwise;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@ExternalToolTest
	void theScriptsPushTheImageDeployTheStackAndFillEcsTaskDefJsonFromIt(@TempDir Path bin) throws Exception {
		assertThat(onPath("aws")).as("the AWS CLI on PATH (apt-get install awscli)").isTrue();
		String image = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/image-worker:0.2.0";

		// No Docker engine here: a stand-in records what the script asks of docker.
		Path calls = bin.resolve("docker.calls");
		Path docker = bin.resolve("docker");
		Files.writeString(docker, "#!/usr/bin/env bash\nprintf '%s\\n' \"$*\" >> '" + calls
				+ "'\n[[ \"$*\" != *--password-stdin* ]] || cat > /dev/null\n");
		assertThat(docker.toFile().setExecutable(true)).isTrue();
		Map<String, String> withDocker = Map.of("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
		Script first = script(withDocker, "deploy/ecs/push-image.sh", "team/image-worker", "0.3.0");
		Script second = script(withDocker, "deploy/ecs/push-image.sh", "team/image-worker", "0.3.1");
		String registry = ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com";
		String pushed = first.printed().strip();

		assertThat(pushed).as("the only line on standard output").isEqualTo(registry + "/team/image-worker:0.3.0");
		assertThat(pushed).as("what the stack's ImageUri accepts")
			.matches((String) this.template.parameters().get("ImageUri").get("AllowedPattern"));
		assertThat(first.errors()).contains("created ECR repository team/image-worker");
		assertThat(second.errors()).as("the repository is made once").doesNotContain("created ECR repository");
		assertThat(second.printed().strip()).isEqualTo(registry + "/team/image-worker:0.3.1");
		assertThat(Files.readAllLines(calls)).containsExactly("login --username AWS --password-stdin " + registry,
				"buildx build --platform linux/amd64 --tag " + pushed + " --push " + Path.of("").toAbsolutePath(),
				"login --username AWS --password-stdin " + registry, "buildx build --platform linux/amd64 --tag "
						+ registry + "/team/image-worker:0.3.1 --push " + Path.of("").toAbsolutePath());

		String printed = run("deploy/ecs/task-definition.sh", "thumbs", image);
		@SuppressWarnings("unchecked")
		Map<String, Object> filled = this.json.readValue(printed, Map.class);
		RegisterTaskDefinitionRequest request = EcsFiles.request(filled,
				RegisterTaskDefinitionRequest.serializableBuilderClass(), "task-definition.sh output");
		ContainerDefinition registered = this.ecs.registerTaskDefinition(request)
			.taskDefinition()
			.containerDefinitions()
			.get(0);

		assertThat(request.family()).isEqualTo("thumbs");
		assertThat(request.taskRoleArn()).isEqualTo(this.stack.output("TaskRoleArn"));
		assertThat(request.executionRoleArn()).isEqualTo(this.stack.output("ExecutionRoleArn"));
		assertThat(registered.image()).isEqualTo(image);
		assertThat(environment(registered))
			.isEqualTo(environment(taskDefinitionContainer(this.stack.output("TaskDefinitionArn"))));
		assertThat(registered.logConfiguration().options()).containsEntry("awslogs-group", "/ecs/thumbs");

		run("deploy/ecs/apply.sh", "thumbs-cli", "ImageUri=" + pushed, "Subnets=subnet-0a,subnet-0b",
				"SecurityGroups=sg-0a");
		assertThat(this.cloudFormation.describeStacks((describe) -> describe.stackName("thumbs-cli")).stacks())
			.singleElement()
			.satisfies((created) -> assertThat(created.stackStatus()).isEqualTo(StackStatus.CREATE_COMPLETE));
		assertThat(
				this.cloudFormation.listStackResources((list) -> list.stackName("thumbs-cli")).stackResourceSummaries())
			.extracting(StackResourceSummary::logicalResourceId)
			.contains("Queue", "SourceBucket", "Table", "TaskDefinition", "Service");
	}

	private Stack create(String name, Map<String, String> parameters) {
		return create(name, parameters, EcsFiles.read(CloudFormationTemplate.PATH));
	}

	private Stack create(String name, Map<String, String> parameters, String templateBody) {
		Map<String, String> values = new LinkedHashMap<>();
		if (!"eks".equals(parameters.get("Platform"))) {
			values.putAll(Map.of("ImageUri", IMAGE, "Subnets", "subnet-0a,subnet-0b", "SecurityGroups", "sg-0a"));
		}
		values.putAll(parameters);
		String id = this.cloudFormation
			.createStack((request) -> request.stackName(name)
				.templateBody(templateBody)
				.capabilities(Capability.CAPABILITY_NAMED_IAM)
				.parameters(values.entrySet()
					.stream()
					.map((entry) -> Parameter.builder()
						.parameterKey(entry.getKey())
						.parameterValue(entry.getValue())
						.build())
					.toList()))
			.stackId();
		await().atMost(PATIENCE)
			.until(() -> !this.cloudFormation.describeStacks((request) -> request.stackName(name))
				.stacks()
				.get(0)
				.stackStatusAsString()
				.endsWith("IN_PROGRESS"));
		software.amazon.awssdk.services.cloudformation.model.Stack described = this.cloudFormation
			.describeStacks((request) -> request.stackName(name))
			.stacks()
			.get(0);
		assertThat(described.stackStatus()).as(described.stackStatusReason()).isEqualTo(StackStatus.CREATE_COMPLETE);

		Map<String, String> outputs = new LinkedHashMap<>();
		for (Output output : described.outputs()) {
			outputs.put(output.outputKey(), output.outputValue());
		}
		Map<String, String> types = new TreeMap<>();
		Map<String, String> physicalIds = new LinkedHashMap<>();
		for (StackResourceSummary resource : this.cloudFormation
			.listStackResources((request) -> request.stackName(name))
			.stackResourceSummaries()) {
			// moto lists the resources it does not implement without an id or type.
			if (resource.logicalResourceId() != null && !resource.logicalResourceId().isEmpty()) {
				types.put(resource.logicalResourceId(), resource.resourceType());
				physicalIds.put(resource.logicalResourceId(), resource.physicalResourceId());
			}
		}
		StackValues stackValues = new StackValues(this.template, id, values, physicalIds);
		attributes(stackValues, physicalIds);
		return new Stack(name, id, outputs, types, physicalIds, stackValues);
	}

	/**
	 * The {@code Fn::GetAtt} values the template uses, as AWS forms them from the ids.
	 */
	private static void attributes(StackValues values, Map<String, String> physicalIds) {
		physicalIds.forEach((id, physical) -> {
			switch (id) {
				case "Queue", "BulkQueue", "DeadLetterQueue" -> {
					String queueName = physical.substring(physical.lastIndexOf('/') + 1);
					values.with(id + ".QueueName", queueName)
						.with(id + ".Arn", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + queueName);
				}
				case "SourceBucket", "OutputBucket" -> values.with(id + ".Arn", "arn:aws:s3:::" + physical)
					.with(id + ".RegionalDomainName", physical + ".s3.us-east-1.amazonaws.com");
				case "EventsTopic" -> values.with(id + ".TopicName", physical.substring(physical.lastIndexOf(':') + 1));
				case "Service" -> values.with(id + ".Name", physical.substring(physical.lastIndexOf('/') + 1));
				case "TaskRole", "ExecutionRole" ->
					values.with(id + ".Arn", "arn:aws:iam::" + ACCOUNT + ":role/" + physical);
				case "SourceEventsRule" ->
					values.with(id + ".Arn", "arn:aws:events:us-east-1:" + ACCOUNT + ":rule/" + physical);
				default -> {
				}
			}
		});
		if (physicalIds.containsKey("Service")) {
			String target = "service/"
					+ values.resolve(Map.of("Fn::If",
							List.of("CreateCluster", CloudFormationTemplate.ref("Cluster"),
									CloudFormationTemplate.ref("ExistingClusterName"))))
					+ "/" + values.resolve(CloudFormationTemplate.getAtt("Service", "Name"));
			values.with("ScalableTarget", target + "|ecs:service:DesiredCount|ecs");
		}
	}

	/**
	 * Sets the upload bucket's notification as the template declares it; moto's
	 * {@code AWS::S3::Bucket} creates the bucket without it.
	 */
	private void applyTheUploadNotification(StackValues values) {
		Map<?, ?> declared = (Map<?, ?>) at(values.properties("SourceBucket"),
				"NotificationConfiguration.QueueConfigurations.0");
		List<FilterRule> rules = new ArrayList<>();
		for (Object rule : (List<?>) at(declared, "Filter.S3Key.Rules")) {
			rules.add(FilterRule.builder()
				.name((String) ((Map<?, ?>) rule).get("Name"))
				.value((String) ((Map<?, ?>) rule).get("Value"))
				.build());
		}
		QueueConfiguration queue = QueueConfiguration.builder()
			.queueArn((String) declared.get("Queue"))
			.events(Event.fromValue((String) declared.get("Event")))
			.filter((filter) -> filter.key((key) -> key.filterRules(rules)))
			.build();
		this.s3.putBucketNotificationConfiguration((request) -> request.bucket(this.stack.output("SourceBucketName"))
			.notificationConfiguration(NotificationConfiguration.builder().queueConfigurations(queue).build()));
		assertThat(rules).extracting((rule) -> rule.nameAsString() + "=" + rule.value())
			.containsExactly("prefix=uploads/");
	}

	/**
	 * The worker in this JVM with the container environment of the task definition moto
	 * registered for the stack, bound as ECS passes it: as environment variables.
	 */
	private ConfigurableApplicationContext startWorker(Stack stack, String agentUri) {
		Map<String, Object> environment = new LinkedHashMap<>(
				environment(taskDefinitionContainer(stack.output("TaskDefinitionArn"))));
		// What ECS adds, and what this short run needs sooner than production does.
		environment.put("ECS_AGENT_URI", agentUri);
		environment.put("IMAGE_WORKER_SCALING_TASK_PROTECTION_IDLE_GRACE", "1s");
		environment.put("IMAGE_WORKER_SCALING_BACKLOG_METRIC_THRESHOLD", "0");
		environment.put("MANAGEMENT_CLOUDWATCH_METRICS_EXPORT_STEP", "5s");
		// Closed idle: its stop would otherwise wait out the long polls in flight (20 s).
		environment.put("IMAGE_WORKER_PROCESSING_DRAIN_TIMEOUT", "1s");
		Map<String, Object> properties = new LinkedHashMap<>(MOTO.springProperties());
		properties.put("image-worker.provision", "false");
		properties.put("server.port", "0");
		properties.put("management.server.port", "0");
		// In place before the environment is prepared, as the process's own would be, so
		// that
		// Spring Boot reads SPRING_APPLICATION_JSON from it.
		StandardEnvironment container = new StandardEnvironment();
		container.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("ecs-task-systemEnvironment", environment));
		return new SpringApplicationBuilder(ImageWorkerApplication.class).environment(container)
			.properties(properties)
			.run();
	}

	private String subscribeAQueue(String topicArn) {
		String url = this.sqs.createQueue((request) -> request.queueName("thumbs-events-subscriber")).queueUrl();
		String arn = queueAttributes("thumbs-events-subscriber").get("QueueArn");
		try (SnsClient sns = MOTO.sns()) {
			sns.subscribe((request) -> request.topicArn(topicArn)
				.protocol("sqs")
				.endpoint(arn)
				.attributes(Map.of("RawMessageDelivery", "true")));
		}
		return url;
	}

	private List<String> receive(String queue) {
		String url = queue.startsWith("http") ? queue
				: this.sqs.getQueueUrl((request) -> request.queueName(queue)).queueUrl();
		return this.sqs.receiveMessage((request) -> request.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1))
			.messages()
			.stream()
			.map(Message::body)
			.toList();
	}

	private Map<String, String> queueAttributes(String name) {
		String url = this.sqs.getQueueUrl((request) -> request.queueName(name)).queueUrl();
		return this.sqs.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.ALL))
			.attributesAsStrings();
	}

	private ContainerDefinition taskDefinitionContainer(String taskDefinition) {
		return this.ecs.describeTaskDefinition((request) -> request.taskDefinition(taskDefinition))
			.taskDefinition()
			.containerDefinitions()
			.get(0);
	}

	/**
	 * The container's environment. Moto keeps an element an {@code AWS::NoValue} leaves
	 * out of a list as an empty one, which CloudFormation drops.
	 */
	private static Map<String, String> environment(ContainerDefinition container) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (KeyValuePair pair : container.environment()) {
			if (pair != null && pair.name() != null) {
				environment.put(pair.name(), pair.value());
			}
		}
		return environment;
	}

	/** The JSON files under deploy/ecs with the names this stack gave its resources. */
	private static EcsFiles files(Stack stack, String sourceBucket) {
		return new EcsFiles(Map.ofEntries(Map.entry("AWS_ACCOUNT_ID", ACCOUNT), Map.entry("AWS_REGION", "us-east-1"),
				Map.entry("QUEUE", stack.output("QueueName")), Map.entry("BULK_QUEUE", stack.output("BulkQueueName")),
				Map.entry("DLQ", stack.output("DeadLetterQueueName")), Map.entry("SOURCE_BUCKET", sourceBucket),
				Map.entry("OUTPUT_BUCKET", stack.output("OutputBucketName")),
				Map.entry("TABLE", stack.output("TableName")),
				Map.entry("TOPIC",
						stack.output("EventsTopicArn").substring(stack.output("EventsTopicArn").lastIndexOf(':') + 1)),
				Map.entry("LOG_GROUP", stack.outputs().getOrDefault("LogGroupName", "")),
				Map.entry("ECR_REPOSITORY", "team/image-worker")));
	}

	private Map<String, Object> rolePolicy(String role, String policy) {
		return document(
				this.iam.getRolePolicy((request) -> request.roleName(role).policyName(policy)).policyDocument());
	}

	private Map<String, Object> trustPolicy(String role) {
		return document(this.iam.getRole((request) -> request.roleName(role)).role().assumeRolePolicyDocument());
	}

	/**
	 * IAM returns policy documents URL-encoded; moto's CloudFormation stores a role's
	 * inline policies as Python's rendering of the document ({@code {'Version': ...}}),
	 * which none of these documents' values confuses with JSON's quotes.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, Object> document(String text) {
		String decoded = text.startsWith("%") ? URLDecoder.decode(text, StandardCharsets.UTF_8) : text;
		if (decoded.startsWith("{'")) {
			decoded = decoded.replace('\'', '"').replace(": True", ": true").replace(": False", ": false");
		}
		return this.json.readValue(decoded, Map.class);
	}

	private static String run(String script, String... arguments) throws IOException, InterruptedException {
		return script(Map.of(), script, arguments).printed();
	}

	/** Runs a script against moto through the AWS CLI; it must succeed. */
	private static Script script(Map<String, String> environment, String script, String... arguments)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("bash", script));
		command.addAll(List.of(arguments));
		Path output = Files.createTempFile("script-", ".out");
		Path errors = Files.createTempFile("script-", ".err");
		ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
			.redirectError(errors.toFile());
		// localhost: moto takes the bucket of a template URL (aws cloudformation deploy
		// --s3-bucket) from its path only on that host name.
		builder.environment()
			.putAll(Map.of("AWS_ENDPOINT_URL", MOTO.endpoint().toString().replace("127.0.0.1", "localhost"),
					"AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_DEFAULT_REGION", "us-east-1",
					"AWS_PAGER", ""));
		builder.environment().putAll(environment);
		Process process = builder.start();
		assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
		Script result = new Script(Files.readString(output), Files.readString(errors));
		assertThat(process.exitValue()).as("%s printed:%n%s%n%s", script, result.printed(), result.errors()).isZero();
		return result;
	}

	/** What a script wrote to standard output and to standard error. */
	private record Script(String printed, String errors) {
	}

	private static boolean onPath(String command) {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, command))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A created stack: outputs, and its resources' types and physical ids by logical id.
	 */
	private record Stack(String name, String id, Map<String, String> outputs, Map<String, String> types,
			Map<String, String> physicalIds, StackValues values) {

		String output(String key) {
			String value = this.outputs.get(key);
			assertThat(value).as("output %s of %s", key, this.name).isNotNull();
			return value;
		}

		String physicalId(String logicalId) {
			return this.physicalIds.get(logicalId);
		}

	}

	/**
	 * Stands in for the ECS agent's task protection endpoint: answers as the agent does
	 * and records the bodies of the PUTs.
	 */
	private static final class AgentStandIn implements AutoCloseable {

		private final HttpServer server;

		private final List<String> requests = new CopyOnWriteArrayList<>();

		AgentStandIn() throws IOException {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			this.server.createContext("/api/task-1/task-protection/v1/state", (exchange) -> {
				String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
				this.requests.add(body);
				byte[] answer = ("{\"protection\":{\"ProtectionEnabled\":" + body.contains("true")
						+ ",\"TaskArn\":\"arn:aws:ecs:us-east-1:" + ACCOUNT + ":task/thumbs/task-1\"}}")
					.getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, answer.length);
				exchange.getResponseBody().write(answer);
				exchange.close();
			});
			this.server.start();
		}

		String uri() {
			return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/api/task-1";
		}

		List<String> requests() {
			return List.copyOf(this.requests);
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

}
