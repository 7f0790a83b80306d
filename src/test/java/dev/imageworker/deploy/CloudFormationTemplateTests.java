package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imageworker.scaling.CloudWatchExport;
import dev.imageworker.support.ExternalToolTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static dev.imageworker.deploy.CloudFormationTemplate.getAtt;
import static dev.imageworker.deploy.CloudFormationTemplate.ref;
import static dev.imageworker.deploy.CloudFormationTemplate.sub;
import static dev.imageworker.deploy.CloudFormationTemplate.subText;
import static dev.imageworker.deploy.CloudFormationTemplate.subVariables;
import static dev.imageworker.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CloudFormation template on its own: cfn-lint, and every property that matters
 * asserted from the template, including those of the resource types moto's CloudFormation
 * does not create ({@link CloudFormationTemplate#NOT_IMPLEMENTED_BY_MOTO}) and those it
 * drops; the IAM documents against the JSON files under {@code deploy/ecs}; the task
 * definition against {@code ecs-task-def.json}; the scaling targets against the measured
 * throughput; the dashboard and alarms against what the worker exports.
 */
class CloudFormationTemplateTests {

	/**
	 * CPU-seconds per image of the Java worker, as measured for the scaling simulation
	 * (docs/scaling.md): a 1-vCPU task completes 1 / 0.163 = 6.13 images/s.
	 */
	private static final double SECONDS_PER_IMAGE = 0.163;

	private static final Map<String, Object> SOURCE_BUCKET_NAME = Map.of("Fn::If",
			List.of("CreateSourceBucket", ref("SourceBucket"), ref("ExistingSourceBucketName")));

	private static final Map<String, Object> CLUSTER_NAME = Map.of("Fn::If",
			List.of("CreateCluster", ref("Cluster"), ref("ExistingClusterName")));

	private static final Map<String, Object> ALARM_TOPIC = Map.of("Fn::If",
			List.of("CreateAlarmTopic", ref("AlarmTopic"), ref("AlarmTopicArn")));

	private static final Map<String, Object> QUEUE_NAME = Map.of("Fn::If",
			List.of("CreateQueue", getAtt("Queue", "QueueName"), ref("ExistingQueueName")));

	private static final Map<String, Object> DEAD_LETTER_QUEUE_NAME = Map.of("Fn::If", List.of("CreateDeadLetterQueue",
			getAtt("DeadLetterQueue", "QueueName"), ref("ExistingDeadLetterQueueName")));

	private static final Map<String, Object> DEAD_LETTER_QUEUE_ARN = Map.of("Fn::If",
			List.of("CreateDeadLetterQueue", getAtt("DeadLetterQueue", "Arn"),
					sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${ExistingDeadLetterQueueName}")));

	private static final String ACCOUNT = "123456789012";

	private static final Map<String, String> ECS = Map.of("ImageUri",
			ACCOUNT + ".dkr.ecr.us-east-1.amazonaws.com/image-worker:0.1.0", "Subnets", "subnet-0a,subnet-0b",
			"SecurityGroups", "sg-0a");

	/** Resources only the ECS service needs. */
	private static final Set<String> ECS_ONLY = Set.of("LogGroup", "ExecutionRole", "OperatorSecretPolicy", "Cluster",
			"TaskDefinition", "Service", "TaskProtectionPolicy", "ScalableTarget", "BacklogPerTaskPolicy",
			"CpuUtilizationPolicy", "ScaleFromZeroPolicy", "ScaleFromZeroAlarm", "FastScaleOutPolicy",
			"FastScaleOutAlarm", "QueueDepthAlarm", "TasksAtMaximumAlarm", "Dashboard");

	private final CloudFormationTemplate template = CloudFormationTemplate.load();

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	@ExternalToolTest
	void cfnLintFindsNoErrorAndNoWarning() throws IOException, InterruptedException {
		assertThat(onPath("cfn-lint")).as("cfn-lint on PATH (pip install cfn-lint)").isTrue();
		Process lint = new ProcessBuilder("cfn-lint", "--", CloudFormationTemplate.PATH.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(lint.getInputStream().readAllBytes());
		assertThat(lint.waitFor(120, TimeUnit.SECONDS)).isTrue();

		assertThat(lint.exitValue()).as("cfn-lint:%n%s", output).isZero();
		assertThat(output).isBlank();
	}

	@Test
	void queuesAreEncryptedKeepTwoWeeksAndRedriveAfterThreeReceives() {
		Map<String, Object> queue = this.template.properties("Queue");
		Map<String, Object> bulk = this.template.properties("BulkQueue");
		Map<String, Object> deadLetters = this.template.properties("DeadLetterQueue");

		for (Map<String, Object> properties : List.of(queue, bulk, deadLetters)) {
			assertThat(properties).containsEntry("SqsManagedSseEnabled", true)
				.containsEntry("MessageRetentionPeriod", 14 * 24 * 3600)
				.doesNotContainKey("KmsMasterKeyId");
		}
		for (Map<String, Object> properties : List.of(queue, bulk)) {
			assertThat(properties).containsEntry("ReceiveMessageWaitTimeSeconds", 20);
			assertThat(properties.get("RedrivePolicy"))
				.isEqualTo(Map.of("deadLetterTargetArn", DEAD_LETTER_QUEUE_ARN, "maxReceiveCount", 3));
		}
		assertThat(subText(queue.get("QueueName"))).isEqualTo("${AWS::StackName}-queue");
		assertThat(subText(bulk.get("QueueName"))).isEqualTo("${AWS::StackName}-bulk");
		assertThat(at(deadLetters, "RedriveAllowPolicy.redrivePermission")).isEqualTo("byQueue");
		assertThat(((List<?>) at(deadLetters, "RedriveAllowPolicy.sourceQueueArnList")).stream()
			.map(CloudFormationTemplate::subText)
			.toList()).as("the queues that redrive to it, by the names they are given")
			.containsExactly(
					"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + subText(queue.get("QueueName")),
					"arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:" + subText(bulk.get("QueueName")));
	}

	@Test
	void theBulkQueueIsTheLiveQueuesTwinThatNoUploadReaches() {
		Map<String, Object> queue = new LinkedHashMap<>(this.template.resource("Queue"));
		Map<String, Object> bulk = new LinkedHashMap<>(this.template.resource("BulkQueue"));
		Map<String, Object> queueProperties = new LinkedHashMap<>(map(queue.remove("Properties")));
		Map<String, Object> bulkProperties = new LinkedHashMap<>(map(bulk.remove("Properties")));
		queueProperties.remove("QueueName");
		bulkProperties.remove("QueueName");

		assertThat(queue.remove("Condition")).as("an existing queue replaces it").isEqualTo("CreateQueue");
		assertThat(bulk).as("type and deletion policies; the stack's own in every case").isEqualTo(queue);
		assertThat(bulkProperties).as("every setting but the name").isEqualTo(queueProperties);
		Map<String, Object> policy = this.template.properties("BulkQueuePolicy");
		assertThat(policy.get("Queues")).isEqualTo(List.of(ref("BulkQueue")));
		assertThat((List<?>) at(policy, "PolicyDocument.Statement")).as("admits no service, denies plain HTTP")
			.singleElement()
			.satisfies((statement) -> assertTlsOnly((Map<?, ?>) statement, "sqs:*", getAtt("BulkQueue", "Arn")));
		assertThat((List<?>) at(this.template.properties("SourceEventsRule"), "Targets")).as("uploads: the live queue")
			.singleElement()
			.satisfies((target) -> assertThat(at(target, "Arn")).isEqualTo(getAtt("Queue", "Arn")));
		assertThat(at(this.template.properties("QueuePolicy"), "Queues")).isEqualTo(List.of(ref("Queue")));

		assertThat(environment(this.template)).containsEntry("IMAGE_WORKER_BULK_QUEUE",
				getAtt("BulkQueue", "QueueName"));
		assertThat(this.template.outputs().get("BulkQueueUrl").get("Value")).isEqualTo(ref("BulkQueue"));
		assertThat(this.template.outputs().get("BulkQueueName").get("Value"))
			.isEqualTo(getAtt("BulkQueue", "QueueName"));
		assertThat(subText(this.template.properties("Dashboard").get("DashboardBody")))
			.contains("[\"AWS/SQS\", \"ApproximateNumberOfMessagesVisible\", \"QueueName\", \"${BulkQueueName}\"");
		assertThat(subVariables(this.template.properties("Dashboard").get("DashboardBody")))
			.containsEntry("BulkQueueName", getAtt("BulkQueue", "QueueName"));
	}

	@Test
	void visibilityTimeoutIsTheJobTimeoutTheWorkerIsGiven() {
		Map<String, Object> environment = environment(this.template);

		assertThat(this.template.properties("Queue").get("VisibilityTimeout")).isEqualTo(ref("JobTimeoutSeconds"));
		assertThat(this.template.properties("BulkQueue").get("VisibilityTimeout")).isEqualTo(ref("JobTimeoutSeconds"));
		assertThat(subText(environment.get("IMAGE_WORKER_PROCESSING_JOB_TIMEOUT"))).isEqualTo("${JobTimeoutSeconds}s");
		assertThat(subText(environment.get("IMAGE_WORKER_PROCESSING_VISIBILITY_TIMEOUT")))
			.isEqualTo("${JobTimeoutSeconds}s");
		assertThat(this.template.defaultOf("JobTimeoutSeconds")).as("the worker's default job-timeout, 2m")
			.isEqualTo(120);
	}

	@Test
	void queuePolicyAdmitsOnlyTheUploadBucketOfThisAccountOrTheUploadRule() {
		Map<String, Object> policy = this.template.properties("QueuePolicy");
		List<?> statements = (List<?>) at(policy, "PolicyDocument.Statement");
		List<?> branches = (List<?>) ((Map<?, ?>) statements.get(0)).get("Fn::If");
		Map<?, ?> s3 = (Map<?, ?>) branches.get(1);
		Map<?, ?> events = (Map<?, ?>) branches.get(2);

		assertThat(policy.get("Queues")).isEqualTo(List.of(ref("Queue")));
		assertThat(branches.get(0)).isEqualTo("CreateSourceBucket");
		assertThat(s3.get("Effect")).isEqualTo("Allow");
		assertThat(s3.get("Principal")).isEqualTo(Map.of("Service", "s3.amazonaws.com"));
		assertThat(s3.get("Action")).isEqualTo("sqs:SendMessage");
		assertThat(s3.get("Resource")).isEqualTo(getAtt("Queue", "Arn"));
		Object sourceArn = at(s3, "Condition.ArnEquals.aws:SourceArn");
		assertThat(subText(sourceArn)).as("the bucket's own name, which the bucket resource is given")
			.isEqualTo("arn:${AWS::Partition}:s3:::"
					+ subText(this.template.properties("SourceBucket").get("BucketName")));
		assertThat(subVariables(sourceArn))
			.isEqualTo(subVariables(this.template.properties("SourceBucket").get("BucketName")));
		assertThat(at(s3, "Condition.StringEquals.aws:SourceAccount")).isEqualTo(ref("AWS::AccountId"));
		assertThat(events.get("Principal")).isEqualTo(Map.of("Service", "events.amazonaws.com"));
		assertThat(events.get("Action")).isEqualTo("sqs:SendMessage");
		assertThat(at(events, "Condition.ArnEquals.aws:SourceArn")).isEqualTo(getAtt("SourceEventsRule", "Arn"));
		assertTlsOnly((Map<?, ?>) statements.get(1), "sqs:*", getAtt("Queue", "Arn"));
		assertTlsOnly((Map<?, ?>) ((List<?>) at(this.template.properties("DeadLetterQueuePolicy"),
				"PolicyDocument.Statement"))
			.get(0), "sqs:*", getAtt("DeadLetterQueue", "Arn"));
	}

	@Test
	void uploadBucketNotifiesTheQueueOfObjectsCreatedUnderThePrefix() {
		Map<String, Object> bucket = this.template.resource("SourceBucket");

		assertThat(bucket).containsEntry("Condition", "CreateSourceBucket")
			.as("S3 tests the destination when the notification is set")
			.containsEntry("DependsOn", "QueuePolicy");
		assertThat(subText(at(bucket, "Properties.BucketName"))).isEqualTo("image-uploads-${StackUuid}");
		assertThat((List<?>) at(bucket, "Properties.NotificationConfiguration.QueueConfigurations")).singleElement()
			.satisfies((notification) -> {
				assertThat(at(notification, "Event")).isEqualTo("s3:ObjectCreated:*");
				assertThat(at(notification, "Queue")).isEqualTo(getAtt("Queue", "Arn"));
				assertThat(at(notification, "Filter.Fn::If.0")).isEqualTo("HasKeyFilter");
				assertThat(at(notification, "Filter.Fn::If.2")).isEqualTo(ref("AWS::NoValue"));
				assertThat(at(notification, "Filter.Fn::If.1.S3Key.Rules")).isEqualTo(List.of(
						Map.of("Fn::If",
								List.of("HasPrefix", Map.of("Name", "prefix", "Value", ref("SourceKeyPrefix")),
										ref("AWS::NoValue"))),
						Map.of("Fn::If", List.of("HasSuffix", Map.of("Name", "suffix", "Value", ref("SourceKeySuffix")),
								ref("AWS::NoValue")))));
			});
		assertThat(this.template.defaultOf("SourceKeyPrefix")).isEqualTo("uploads/");
	}

	@Test
	void anExistingBucketReachesTheQueueThroughEventBridgeFilteredAlike() {
		Map<String, Object> rule = this.template.resource("SourceEventsRule");

		assertThat(rule).as("an existing queue hears from the bucket already")
			.containsEntry("Condition", "ForwardExistingBucketEvents");
		assertThat(at(rule, "Properties.EventPattern.source")).isEqualTo(List.of("aws.s3"));
		assertThat(at(rule, "Properties.EventPattern.detail-type")).isEqualTo(List.of("Object Created"));
		assertThat(at(rule, "Properties.EventPattern.detail.bucket.name"))
			.isEqualTo(List.of(ref("ExistingSourceBucketName")));
		assertThat(subText(at(rule, "Properties.EventPattern.detail.object.key.0.wildcard")))
			.isEqualTo("${SourceKeyPrefix}*${SourceKeySuffix}");
		assertThat(at(rule, "Properties.Targets.0.Arn")).isEqualTo(getAtt("Queue", "Arn"));
		assertThat(this.template.root().get("Conditions"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
			.containsEntry("UseExistingSourceBucket",
					Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(ref("ExistingSourceBucketName"), "")))))
			.containsEntry("CreateSourceBucket",
					Map.of("Fn::And",
							List.of(Map.of("Condition", "CreateQueue"),
									Map.of("Fn::Equals", List.of(ref("ExistingSourceBucketName"), "")))))
			.containsEntry("ForwardExistingBucketEvents", Map.of("Fn::And",
					List.of(Map.of("Condition", "CreateQueue"), Map.of("Condition", "UseExistingSourceBucket"))));
	}

	@Test
	void bucketsBlockPublicAccessAreEncryptedKeptAndReachableOverTlsOnly() {
		for (String bucket : List.of("SourceBucket", "OutputBucket")) {
			Map<String, Object> resource = this.template.resource(bucket);
			assertThat(resource).as(bucket)
				.containsEntry("DeletionPolicy", "Retain")
				.containsEntry("UpdateReplacePolicy", "Retain");
			assertThat(at(resource, "Properties.PublicAccessBlockConfiguration")).as(bucket)
				.isEqualTo(Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true, "IgnorePublicAcls", true,
						"RestrictPublicBuckets", true));
			assertThat(at(resource, "Properties.BucketEncryption.ServerSideEncryptionConfiguration.0"
					+ ".ServerSideEncryptionByDefault.SSEAlgorithm"))
				.isEqualTo("AES256");
			assertThat(at(resource, "Properties.OwnershipControls.Rules.0.ObjectOwnership"))
				.isEqualTo("BucketOwnerEnforced");
			assertThat(at(resource, "Properties.LifecycleConfiguration.Rules.0.AbortIncompleteMultipartUpload"))
				.isEqualTo(Map.of("DaysAfterInitiation", 7));
			Map<String, Object> policy = this.template.properties(bucket + "Policy");
			assertThat(policy.get("Bucket")).isEqualTo(ref(bucket));
			Map<?, ?> statement = (Map<?, ?>) ((List<?>) at(policy, "PolicyDocument.Statement")).get(0);
			assertTlsOnly(statement, "s3:*", null);
			assertThat(objects(statement.get("Resource"))).hasSize(2)
				.contains(getAtt(bucket, "Arn"))
				.anySatisfy((resourceArn) -> assertThat(subText(resourceArn)).isEqualTo("${" + bucket + ".Arn}/*"));
		}
		assertThat(this.template.resource("SourceBucketPolicy")).containsEntry("Condition", "CreateSourceBucket");
		assertThat(at(this.template.properties("OutputBucket"), "LifecycleConfiguration.Rules.1.Fn::If"))
			.isEqualTo(List.of("ExpireOutputs", Map.of("Id", "ExpireThumbnails", "Status", "Enabled",
					"ExpirationInDays", ref("OutputExpirationDays")), ref("AWS::NoValue")));
		assertThat(this.template.defaultOf("OutputExpirationDays")).as("kept unless asked").isEqualTo(0);
	}

	@Test
	void tableTopicAndLogsAreProductionGrade() {
		Map<String, Object> table = this.template.resource("Table");
		assertThat(table).containsEntry("DeletionPolicy", "Retain").containsEntry("UpdateReplacePolicy", "Retain");
		assertThat(at(table, "Properties.KeySchema"))
			.isEqualTo(List.of(Map.of("AttributeName", "imageId", "KeyType", "HASH")));
		assertThat(at(table, "Properties.AttributeDefinitions"))
			.isEqualTo(List.of(Map.of("AttributeName", "imageId", "AttributeType", "S")));
		assertThat(at(table, "Properties.BillingMode")).isEqualTo("PAY_PER_REQUEST");
		assertThat(at(table, "Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled")).isEqualTo(true);
		assertThat(at(table, "Properties.SSESpecification.SSEEnabled")).isEqualTo(true);
		assertThat(at(table, "Properties.DeletionProtectionEnabled")).isEqualTo(true);

		assertThat(this.template.properties("EventsTopic")).containsEntry("KmsMasterKeyId", "alias/aws/sns");
		Map<String, Object> topicPolicy = this.template.properties("EventsTopicPolicy");
		assertThat(topicPolicy.get("Topics")).isEqualTo(List.of(ref("EventsTopic")));
		assertTlsOnly((Map<?, ?>) ((List<?>) at(topicPolicy, "PolicyDocument.Statement")).get(0), "sns:Publish",
				ref("EventsTopic"));
		assertThat(this.template.properties("AlarmTopic")).as("CloudWatch cannot use the AWS managed SNS key")
			.doesNotContainKey("KmsMasterKeyId");

		assertThat(this.template.properties("LogGroup")).containsEntry("RetentionInDays", ref("LogRetentionDays"));
		assertThat(this.template.defaultOf("LogRetentionDays")).isEqualTo(30);
	}

	@Test
	void iamAllowsNoWildcardActionAndNamesEveryResource() {
		List<Map<?, ?>> statements = identityStatements();
		assertThat(statements).hasSizeGreaterThan(10);

		for (Map<?, ?> statement : statements) {
			assertThat(statement.get("Effect")).isEqualTo("Allow");
			assertThat(map(statement)).doesNotContainKeys("NotAction", "NotResource");
			List<String> actions = strings(statement.get("Action"));
			assertThat(actions).as("%s", statement).isNotEmpty().noneMatch((action) -> action.contains("*"));
			for (Object resource : list(statement.get("Resource"))) {
				if ("*".equals(resource)) {
					assertThat(List.of("cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"))
						.as("actions without resource-level permissions")
						.containsAll(actions);
				}
				else if (resource instanceof Map<?, ?> map && map.containsKey("Ref")) {
					assertThat(map.get("Ref")).as("an ARN parameter").isEqualTo("OperatorPasswordSecretArn");
				}
				else {
					String arn = subText(resource);
					assertThat(arn).as("a named ARN").startsWith("arn:${AWS::Partition}:");
					assertThat(arn.substring(0, arn.length() - (arn.endsWith("/*") || arn.endsWith(":*") ? 2 : 0)))
						.as("only object, log stream and task paths below a named resource may be wildcards")
						.doesNotContain("*")
						.matches(".*\\$\\{[^}]+}[^:/]*$");
				}
			}
		}
		Map<?, ?> metrics = statements.stream()
			.filter((statement) -> "cloudwatch:PutMetricData".equals(statement.get("Action")))
			.findFirst()
			.orElseThrow();
		assertThat(metrics.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("cloudwatch:namespace",
				environment(this.template).get("MANAGEMENT_CLOUDWATCH_METRICS_EXPORT_NAMESPACE"))));
		assertThat(this.template.parameters().get("OperatorPasswordSecretArn").get("AllowedPattern").toString())
			.startsWith("^(arn:aws");
	}

	@Test
	void resourcePoliciesAdmitServicesOnlyForTheirSourceAndDenyPlainHttp() {
		for (String type : List.of("AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy")) {
			for (String id : this.template.ofType(type)) {
				for (Object statement : (List<?>) at(this.template.properties(id), "PolicyDocument.Statement")) {
					Map<?, ?> branch = (Map<?, ?>) statement;
					List<Map<?, ?>> alternatives = branch.containsKey("Fn::If")
							? List.of((Map<?, ?>) ((List<?>) branch.get("Fn::If")).get(1),
									(Map<?, ?>) ((List<?>) branch.get("Fn::If")).get(2))
							: List.of(branch);
					for (Map<?, ?> alternative : alternatives) {
						if (alternative.equals(ref("AWS::NoValue"))) {
							continue;
						}
						if ("Allow".equals(alternative.get("Effect"))) {
							assertThat(map(alternative.get("Principal"))).as(id).containsOnlyKeys("Service");
							assertThat(at(alternative, "Condition.ArnEquals")).as(id + ": only from its source")
								.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
								.containsKey("aws:SourceArn");
						}
						else {
							assertThat(at(alternative, "Condition.Bool.aws:SecureTransport")).as(id).isEqualTo("false");
						}
					}
				}
			}
		}
	}

	@Test
	void roleDocumentsAreTheJsonFilesUnderDeployEcs() {
		Map<String, Object> taskRole = this.template.properties("TaskRole");
		Map<String, Object> executionRole = this.template.properties("ExecutionRole");

		assertSameDocument("task-role-policy.json", inlinePolicy(taskRole, "worker"));
		assertSameDocument("execution-role-policy.json", inlinePolicy(executionRole, "execution"));
		assertSameDocument("operator-policy.json",
				(Map<?, ?>) this.template.properties("OperatorPolicy").get("PolicyDocument"));
		assertThat(at(taskRole, "AssumeRolePolicyDocument.Fn::If.0")).isEqualTo("OnEcs");
		assertSameDocument("task-role-trust.json", (Map<?, ?>) at(taskRole, "AssumeRolePolicyDocument.Fn::If.1"));
		assertSameDocument("execution-role-trust.json", (Map<?, ?>) executionRole.get("AssumeRolePolicyDocument"));
		assertThat(this.template.resource("OperatorPolicy")).containsEntry("Condition", "OperatorEndpoints");
		assertThat(this.template.properties("OperatorPolicy").get("Roles")).isEqualTo(List.of(ref("TaskRole")));
	}

	@Test
	void theTaskRoleMayProtectOnlyTasksOfItsCluster() {
		Map<String, Object> policy = this.template.properties("TaskProtectionPolicy");
		Map<?, ?> statement = (Map<?, ?>) ((List<?>) at(policy, "PolicyDocument.Statement")).get(0);

		assertThat(this.template.resource("TaskProtectionPolicy")).containsEntry("Condition", "OnEcs");
		assertThat(policy).containsEntry("PolicyName", "task-protection")
			.containsEntry("Roles", List.of(ref("TaskRole")));
		assertThat(this.template.resource("Service").get("DependsOn")).as("granted before the first task asks")
			.isEqualTo("TaskProtectionPolicy");

		assertThat(statement.get("Action")).isEqualTo(List.of("ecs:UpdateTaskProtection", "ecs:GetTaskProtection"));
		assertThat(subText(statement.get("Resource")))
			.isEqualTo("arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task/${ClusterName}/*");
		assertThat(subVariables(statement.get("Resource"))).isEqualTo(Map.of("ClusterName", CLUSTER_NAME));
	}

	@Test
	void theTaskDefinitionIsEcsTaskDefJson() {
		Map<String, Object> file = this.json.readValue(EcsFiles.read(EcsFiles.TASK_DEFINITION), Map.class);
		Map<String, Object> task = this.template.properties("TaskDefinition");
		Map<?, ?> fileContainer = (Map<?, ?>) at(file, "containerDefinitions.0");
		Map<?, ?> container = (Map<?, ?>) at(task, "ContainerDefinitions.0");

		assertThat(task.get("Cpu")).isEqualTo(file.get("cpu"));
		assertThat(task.get("Memory")).isEqualTo(file.get("memory"));
		assertThat(task.get("NetworkMode")).isEqualTo(file.get("networkMode"));
		assertThat(task.get("RequiresCompatibilities")).isEqualTo(file.get("requiresCompatibilities"));
		assertThat(at(task, "RuntimePlatform.CpuArchitecture")).isEqualTo(at(file, "runtimePlatform.cpuArchitecture"));
		assertThat(task.get("TaskRoleArn")).isEqualTo(getAtt("TaskRole", "Arn"));
		assertThat(file.get("taskRoleArn")).isEqualTo("${TASK_ROLE_ARN}");
		assertThat(task.get("ExecutionRoleArn")).isEqualTo(getAtt("ExecutionRole", "Arn"));
		assertThat(file.get("executionRoleArn")).isEqualTo("${EXECUTION_ROLE_ARN}");
		assertThat(task.get("Volumes")).isEqualTo(List.of(Map.of("Name", "tmp")));
		assertThat(file.get("volumes")).isEqualTo(List.of(Map.of("name", "tmp")));

		assertThat(container.get("Name")).isEqualTo(fileContainer.get("name"));
		assertThat(container.get("Image")).isEqualTo(ref("ImageUri"));
		assertThat(fileContainer.get("image")).isEqualTo("${IMAGE}");
		assertThat(container.get("Essential")).isEqualTo(fileContainer.get("essential")).isEqualTo(true);
		assertThat(container.get("ReadonlyRootFilesystem")).isEqualTo(fileContainer.get("readonlyRootFilesystem"))
			.isEqualTo(true);
		assertThat(container.get("StopTimeout")).isEqualTo(fileContainer.get("stopTimeout")).isEqualTo(120);
		assertThat(at(container, "LinuxParameters.Capabilities.Drop"))
			.isEqualTo(at(fileContainer, "linuxParameters.capabilities.drop"));
		assertThat(at(container, "MountPoints.0"))
			.isEqualTo(Map.of("SourceVolume", "tmp", "ContainerPath", "/tmp", "ReadOnly", false));
		assertThat(map(container)).doesNotContainKeys("PortMappings", "EntryPoint", "Command");
		assertThat(at(container, "HealthCheck.Command")).isEqualTo(at(fileContainer, "healthCheck.command"));
		for (String setting : List.of("Interval", "Timeout", "Retries", "StartPeriod")) {
			assertThat(at(container, "HealthCheck." + setting)).isEqualTo(
					at(fileContainer, "healthCheck." + setting.substring(0, 1).toLowerCase() + setting.substring(1)));
		}
		assertThat(at(container, "LogConfiguration.LogDriver"))
			.isEqualTo(at(fileContainer, "logConfiguration.logDriver"));
		assertThat(((Map<?, ?>) at(container, "LogConfiguration.Options")).keySet())
			.isEqualTo(((Map<?, ?>) at(fileContainer, "logConfiguration.options")).keySet());
		assertThat(at(container, "LogConfiguration.Options.awslogs-group")).isEqualTo(ref("LogGroup"));

		Map<String, Object> environment = environment(this.template);
		Map<String, Object> fileEnvironment = new LinkedHashMap<>();
		for (Object pair : (List<?>) fileContainer.get("environment")) {
			fileEnvironment.put((String) ((Map<?, ?>) pair).get("name"), ((Map<?, ?>) pair).get("value"));
		}
		assertThat(environment.keySet()).isEqualTo(fileEnvironment.keySet());
		fileEnvironment.forEach((name, value) -> {
			if (!((String) value).contains("${")) {
				assertThat(environment.get(name)).as(name).isEqualTo(value);
			}
		});
		assertThat(environment).containsEntry("IMAGE_WORKER_QUEUE", QUEUE_NAME)
			.containsEntry("IMAGE_WORKER_BULK_QUEUE", getAtt("BulkQueue", "QueueName"))
			.containsEntry("IMAGE_WORKER_DEAD_LETTER_QUEUE", DEAD_LETTER_QUEUE_NAME)
			.containsEntry("IMAGE_WORKER_SOURCE_BUCKETS", SOURCE_BUCKET_NAME)
			.containsEntry("IMAGE_WORKER_OUTPUT_BUCKET",
					Map.of("Fn::If",
							List.of("CreateOutputBucket", ref("OutputBucket"), ref("ExistingOutputBucketName"))))
			.containsEntry("IMAGE_WORKER_TABLE",
					Map.of("Fn::If", List.of("CreateTable", ref("Table"), ref("ExistingTableName"))))
			.containsEntry("IMAGE_WORKER_OWNER_SEGMENT", ref("OwnerSegment"))
			.as("an ARN: the task role has no sns:CreateTopic")
			.containsEntry("IMAGE_WORKER_TOPIC", Map.of("Fn::If", List.of("CreateTopic", ref("EventsTopic"),
					sub("arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${ExistingTopicName}"))));
		assertThat(this.template.defaultOf("OwnerSegment")).as("keys shaped uploads/<userId>/<imageId>.<ext>")
			.isEqualTo(1);
		assertThat(at(container, "Secrets.Fn::If.0")).isEqualTo("OperatorEndpoints");
		assertThat(at(container, "Secrets.Fn::If.1.0.Name")).isEqualTo("IMAGE_WORKER_OPERATOR_PASSWORD");
	}

	@Test
	void theTaskEnvironmentBindsToRealProperties() {
		assertThat(TaskEnvironment.unknown(environment(this.template).keySet())).isEmpty();
	}

	@Test
	void theServiceRunsOnFargateAndSpotInPrivateSubnetsAndRollsBackFailedDeployments() {
		Map<String, Object> service = this.template.properties("Service");

		assertThat(service).doesNotContainKeys("DesiredCount", "LaunchType")
			.containsEntry("Cluster", CLUSTER_NAME)
			.containsEntry("TaskDefinition", ref("TaskDefinition"));
		assertThat(service.get("CapacityProviderStrategy")).isEqualTo(List.of(
				Map.of("CapacityProvider", "FARGATE", "Base", ref("OnDemandBaseTasks"), "Weight",
						ref("OnDemandWeight")),
				Map.of("CapacityProvider", "FARGATE_SPOT", "Weight", ref("SpotWeight"))));
		assertThat(at(service, "NetworkConfiguration.AwsvpcConfiguration")).isEqualTo(Map.of("AssignPublicIp",
				"DISABLED", "Subnets", ref("Subnets"), "SecurityGroups", ref("SecurityGroups")));
		assertThat(at(service, "DeploymentConfiguration.DeploymentCircuitBreaker"))
			.isEqualTo(Map.of("Enable", true, "Rollback", true));
		assertThat(at(service, "DeploymentConfiguration.MinimumHealthyPercent")).isEqualTo(100);
		Map<String, Object> cluster = this.template.resource("Cluster");
		assertThat(cluster).containsEntry("Condition", "CreateClusterForEcs");
		assertThat(at(cluster, "Properties.CapacityProviders")).isEqualTo(List.of("FARGATE", "FARGATE_SPOT"));
		assertThat(at(cluster, "Properties.ClusterSettings"))
			.as("RunningTaskCount, which scaling divides by, is a Container Insights metric")
			.isEqualTo(List.of(Map.of("Name", "containerInsights", "Value", "enabled")));
		assertThat(this.template.defaultOf("SpotWeight")).isEqualTo(3);
		assertThat(this.template.defaultOf("OnDemandBaseTasks")).isEqualTo(1);
	}

	@Test
	void scalingTracksCpuUtilisationAndBacklogPerTaskStartsFromZeroAndReactsFastToBursts() {
		Map<String, Object> target = this.template.properties("ScalableTarget");
		assertThat(target).containsEntry("MinCapacity", ref("MinTasks")).containsEntry("MaxCapacity", ref("MaxTasks"));
		assertThat(subText(target.get("ResourceId"))).isEqualTo("service/${ClusterName}/${Service.Name}");

		Map<String, Object> backlog = this.template.properties("BacklogPerTaskPolicy");
		assertThat(at(backlog, "TargetTrackingScalingPolicyConfiguration.TargetValue"))
			.isEqualTo(ref("BacklogPerTaskTarget"));
		assertThat(at(backlog, "TargetTrackingScalingPolicyConfiguration.DisableScaleIn"))
			.as("a backlog near 0 says nothing about how many tasks are needed")
			.isEqualTo(true);
		assertThat(returnedExpression(
				at(backlog, "TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification.Metrics")))
			.isEqualTo("(SQS:ApproximateNumberOfMessagesVisible/Sum + SQS:ApproximateNumberOfMessagesNotVisible/Sum)"
					+ " / ContainerInsights:RunningTaskCount/Average");

		Map<String, Object> cpu = this.template.properties("CpuUtilizationPolicy");
		assertThat(at(cpu, "TargetTrackingScalingPolicyConfiguration.TargetValue"))
			.isEqualTo(ref("CpuUtilizationTarget"));
		assertThat(at(cpu, "TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification"))
			.as("the service's own CPU, which needs no figure for what an image costs")
			.isEqualTo(Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization"));
		assertThat(map(at(cpu, "TargetTrackingScalingPolicyConfiguration"))).as("it decides scale-in")
			.doesNotContainKey("DisableScaleIn")
			.containsEntry("ScaleInCooldown", 300)
			.containsEntry("ScaleOutCooldown", 60);
		assertThat(this.template.ofType("AWS::ApplicationAutoScaling::ScalingPolicy")).containsExactlyInAnyOrder(
				"BacklogPerTaskPolicy", "CpuUtilizationPolicy", "ScaleFromZeroPolicy", "FastScaleOutPolicy");

		Map<String, Object> fromZero = this.template.properties("ScaleFromZeroPolicy");
		assertThat(at(fromZero, "StepScalingPolicyConfiguration.AdjustmentType")).isEqualTo("ChangeInCapacity");
		assertThat(at(fromZero, "StepScalingPolicyConfiguration.StepAdjustments"))
			.isEqualTo(List.of(Map.of("MetricIntervalLowerBound", 0, "ScalingAdjustment", 1)));
		Map<String, Object> fromZeroAlarm = this.template.properties("ScaleFromZeroAlarm");
		assertThat(fromZeroAlarm.get("AlarmActions")).isEqualTo(List.of(ref("ScaleFromZeroPolicy")));
		assertThat(returnedExpression(fromZeroAlarm.get("Metrics"))).as("uploads or bulk jobs, while no task runs")
			.isEqualTo("IF((FILL(SQS:ApproximateNumberOfMessagesVisible/Maximum, 0)"
					+ " + FILL(SQS:ApproximateNumberOfMessagesVisible/Maximum, 0)) > 0"
					+ " AND FILL(ContainerInsights:RunningTaskCount/Maximum, 0) == 0, 1, 0)");
		assertThat(queueOf(fromZeroAlarm.get("Metrics"), "visible")).isEqualTo(QUEUE_NAME);
		assertThat(queueOf(fromZeroAlarm.get("Metrics"), "bulk")).isEqualTo(getAtt("BulkQueue", "QueueName"));

		Map<String, Object> fast = this.template.properties("FastScaleOutPolicy");
		assertThat(at(fast, "StepScalingPolicyConfiguration.AdjustmentType")).isEqualTo("PercentChangeInCapacity");
		assertThat(at(fast, "StepScalingPolicyConfiguration.Cooldown")).isEqualTo(60);
		assertThat(at(fast, "StepScalingPolicyConfiguration.StepAdjustments")).as("2, 4 and 8 targets per task")
			.isEqualTo(List.of(
					Map.of("MetricIntervalLowerBound", 0, "MetricIntervalUpperBound", 2, "ScalingAdjustment", 100),
					Map.of("MetricIntervalLowerBound", 2, "MetricIntervalUpperBound", 6, "ScalingAdjustment", 300),
					Map.of("MetricIntervalLowerBound", 6, "ScalingAdjustment", 700)));
		Map<String, Object> fastAlarm = this.template.properties("FastScaleOutAlarm");
		assertThat(fastAlarm.get("AlarmActions")).isEqualTo(List.of(ref("FastScaleOutPolicy")));
		assertThat(fastAlarm).containsEntry("Threshold", 2)
			.containsEntry("EvaluationPeriods", 3)
			.containsEntry("DatapointsToAlarm", 3)
			.containsEntry("TreatMissingData", "notBreaching");
		assertThat(returnedExpression(fastAlarm.get("Metrics")))
			.isEqualTo("ImageWorker:" + CloudWatchExport.BACKLOG_METRIC + "/Maximum / ImageWorker:"
					+ CloudWatchExport.BACKLOG_METRIC + "/SampleCount / ${BacklogPerTaskTarget}");
		for (Object query : (List<?>) fastAlarm.get("Metrics")) {
			if (((Map<?, ?>) query).containsKey("MetricStat")) {
				assertThat(at(query, "MetricStat.Period")).as("high resolution").isEqualTo(10);
				assertThat(at(query, "MetricStat.Metric.Dimensions"))
					.isEqualTo(List.of(Map.of("Name", "queue", "Value", QUEUE_NAME)));
			}
		}
		Map<String, Object> environment = environment(this.template);
		assertThat(environment).containsEntry("IMAGE_WORKER_SCALING_BACKLOG_METRIC_ENABLED", "true")
			.containsEntry("IMAGE_WORKER_SCALING_BACKLOG_INTERVAL", "10s")
			.as("below one target per task no fleet needs the fast signal")
			.containsEntry("IMAGE_WORKER_SCALING_BACKLOG_METRIC_THRESHOLD", ref("BacklogPerTaskTarget"));
	}

	/**
	 * Only the burst policies' target follows the assumed seconds per image; the fleet's
	 * size follows CPU, which the simulation shows holding its goals at half and twice
	 * that figure (docs/scaling.md).
	 */
	@Test
	void onlyTheBacklogTargetRestsOnTheAssumedSecondsPerImage() {
		assertThat(this.template.defaultOf("BacklogPerTaskTarget")).as("30 s of work per task")
			.isEqualTo((int) Math.round(30 / SECONDS_PER_IMAGE));
		assertThat(this.template.defaultOf("CpuUtilizationTarget")).as("the simulation's choice").isEqualTo(75);
		assertThat(this.template.parameters()).doesNotContainKey("ArrivalsPerTaskTarget");
	}

	@Test
	void alarmsWatchDeadLettersWaitingUploadsBacklogAndTheTaskCeiling() {
		Map<String, Object> deadLetters = this.template.properties("DeadLettersAlarm");
		assertThat(deadLetters).containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
			.containsEntry("Threshold", 0)
			.containsEntry("ComparisonOperator", "GreaterThanThreshold");
		assertThat(at(deadLetters, "Dimensions.0.Value")).isEqualTo(DEAD_LETTER_QUEUE_NAME);

		Map<String, Object> oldest = this.template.properties("OldestMessageAlarm");
		assertThat(oldest).containsEntry("MetricName", "ApproximateAgeOfOldestMessage")
			.containsEntry("Threshold", ref("OldestMessageAgeAlarmSeconds"));

		Map<String, Object> depth = this.template.properties("QueueDepthAlarm");
		assertThat(returnedExpression(depth.get("Metrics"))).isEqualTo(
				"(SQS:ApproximateNumberOfMessagesVisible/Maximum + SQS:ApproximateNumberOfMessagesNotVisible/Maximum) / ${MaxTasks}");
		assertThat(depth).containsEntry("Threshold", ref("BacklogPerTaskTarget"));

		Map<String, Object> ceiling = this.template.properties("TasksAtMaximumAlarm");
		assertThat(ceiling).containsEntry("MetricName", "DesiredTaskCount")
			.containsEntry("Threshold", ref("MaxTasks"))
			.containsEntry("ComparisonOperator", "GreaterThanOrEqualToThreshold");

		for (String alarm : List.of("DeadLettersAlarm", "OldestMessageAlarm", "QueueDepthAlarm",
				"TasksAtMaximumAlarm")) {
			Map<String, Object> properties = this.template.properties(alarm);
			assertThat(properties.get("AlarmActions")).as(alarm).isEqualTo(List.of(ALARM_TOPIC));
			assertThat(properties.get("OKActions")).as(alarm).isEqualTo(List.of(ALARM_TOPIC));
			assertThat(properties).as(alarm).containsEntry("TreatMissingData", "notBreaching");
		}
	}

	@Test
	void theDashboardAndAlarmsReadExactlyTheMetersTheWorkerExports() {
		Set<String> meters = new TreeSet<>();
		JsonNode dashboard = dashboard();
		List<String> titles = new ArrayList<>();
		for (JsonNode widget : dashboard.path("widgets")) {
			titles.add(widget.path("properties").path("title").asString());
			for (JsonNode metric : widget.path("properties").path("metrics")) {
				if (metric.get(0).isObject()) {
					Matcher search = Pattern.compile("\\{ImageWorker,.*MetricName=\"([^\"]+)\"")
						.matcher(metric.get(0).path("expression").asString());
					if (search.find()) {
						meters.add(meter(search.group(1)));
					}
				}
				else if (metric.get(0).asString().equals("ImageWorker")) {
					meters.add(meter(metric.get(1).asString()));
				}
			}
		}
		for (String alarm : this.template.ofType("AWS::CloudWatch::Alarm")) {
			for (Object query : list(this.template.properties(alarm).get("Metrics"))) {
				if ("ImageWorker"
					.equals(at(query, "MetricStat") != null ? at(query, "MetricStat.Metric.Namespace") : null)) {
					meters.add(meter((String) at(query, "MetricStat.Metric.MetricName")));
				}
			}
		}

		Set<String> exported = new TreeSet<>(CloudWatchExport.METERS);
		exported.add(CloudWatchExport.BACKLOG_METRIC);
		assertThat(meters).isEqualTo(exported);
		assertThat(String.join(" | ", titles).toLowerCase()).contains("throughput", "failures by code", "render",
				"backlog per task", "tasks");
	}

	@Test
	void outputsGiveWhatAUserNeeds() {
		assertThat(this.template.outputs()).containsKeys("SourceBucketName", "OutputBucketName", "QueueUrl",
				"BulkQueueUrl", "DeadLetterQueueUrl", "DeadLetterQueueArn", "TableName", "EventsTopicArn",
				"AlarmTopicArn", "TryIt", "DashboardUrl", "PublicBaseUrl", "PodRoleArn", "HelmSetValues");
		assertThat(subText(this.template.outputs().get("TryIt").get("Value")))
			.startsWith("aws s3 cp photo.jpg s3://${Bucket}/${SourceKeyPrefix}alice/img_5e1f1e5e1f1e5e1f.jpg");
	}

	@Test
	void existingResourcesReplaceTheStacksAndTheEnvironmentIamAndAlarmsFollowThem() {
		Map<String, String> existing = new LinkedHashMap<>(ECS);
		existing.putAll(Map.of("ExistingQueueName", "uploads", "ExistingDeadLetterQueueName", "uploads-dlq",
				"ExistingSourceBucketName", "media-uploads", "ExistingTableName", "images", "ExistingTopicName",
				"image-events", "ExistingOutputBucketName", "media-variants"));
		StackValues values = stack(existing);

		assertThat(values.brokenRules()).isEmpty();
		assertThat(List.of("Queue", "DeadLetterQueue", "QueuePolicy", "DeadLetterQueuePolicy", "SourceBucket",
				"SourceBucketPolicy", "SourceEventsRule", "OutputBucket", "OutputBucketPolicy", "Table", "EventsTopic",
				"EventsTopicPolicy"))
			.as("created only when missing; an existing queue already hears from its bucket")
			.noneMatch(values::exists);
		assertThat(List.of("BulkQueue", "BulkQueuePolicy", "TaskRole", "TaskDefinition", "Service"))
			.allMatch(values::exists);
		assertThat(resolvedEnvironment(values)).containsEntry("IMAGE_WORKER_QUEUE", "uploads")
			.containsEntry("IMAGE_WORKER_DEAD_LETTER_QUEUE", "uploads-dlq")
			.containsEntry("IMAGE_WORKER_SOURCE_BUCKETS", "media-uploads")
			.containsEntry("IMAGE_WORKER_OUTPUT_BUCKET", "media-variants")
			.containsEntry("IMAGE_WORKER_TABLE", "images")
			.containsEntry("IMAGE_WORKER_TOPIC", "arn:aws:sns:us-east-1:" + ACCOUNT + ":image-events")
			.containsEntry("IMAGE_WORKER_BULK_QUEUE", "thumbs-bulk");
		EcsFiles files = new EcsFiles(Map.ofEntries(Map.entry("AWS_ACCOUNT_ID", ACCOUNT),
				Map.entry("AWS_REGION", "us-east-1"), Map.entry("QUEUE", "uploads"),
				Map.entry("BULK_QUEUE", "thumbs-bulk"), Map.entry("DLQ", "uploads-dlq"),
				Map.entry("SOURCE_BUCKET", "media-uploads"), Map.entry("OUTPUT_BUCKET", "media-variants"),
				Map.entry("TABLE", "images"), Map.entry("TOPIC", "image-events")));
		assertThat(
				this.json.readTree(this.json.writeValueAsString(inlinePolicy(values.properties("TaskRole"), "worker"))))
			.as("the task role's grants name the existing resources")
			.isEqualTo(this.json.readTree(
					this.json.writeValueAsString(files.json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")))));
		assertThat(at(values.properties("BulkQueue"), "RedrivePolicy.deadLetterTargetArn"))
			.isEqualTo("arn:aws:sqs:us-east-1:" + ACCOUNT + ":uploads-dlq");
		assertThat(at(values.properties("DeadLettersAlarm"), "Dimensions.0.Value")).isEqualTo("uploads-dlq");
		assertThat(at(values.properties("OldestMessageAlarm"), "Dimensions.0.Value")).isEqualTo("uploads");
		assertThat(output(values, "QueueUrl")).isEqualTo("https://sqs.us-east-1.amazonaws.com/" + ACCOUNT + "/uploads");
		assertThat(output(values, "DeadLetterQueueArn")).isEqualTo("arn:aws:sqs:us-east-1:" + ACCOUNT + ":uploads-dlq");
		assertThat(output(values, "OutputBucketName")).isEqualTo("media-variants");

		Map<String, String> newQueueOldDeadLetters = new LinkedHashMap<>(ECS);
		newQueueOldDeadLetters.put("ExistingDeadLetterQueueName", "uploads-dlq");
		StackValues mixed = stack(newQueueOldDeadLetters);
		assertThat(mixed.brokenRules()).isEmpty();
		assertThat(mixed.exists("Queue")).isTrue();
		assertThat(mixed.exists("DeadLetterQueue")).isFalse();
		assertThat(at(mixed.properties("Queue"), "RedrivePolicy.deadLetterTargetArn"))
			.as("a new queue may redrive to an existing dead-letter queue")
			.isEqualTo("arn:aws:sqs:us-east-1:" + ACCOUNT + ":uploads-dlq");
	}

	@Test
	void theRulesRefuseWhatTheStackCannotBuild() {
		assertThat(stack(Map.of()).brokenRules()).as("ecs without its image and network")
			.containsExactlyInAnyOrder("Platform ecs needs ImageUri.", "Platform ecs needs Subnets.",
					"Platform ecs needs SecurityGroups.");
		assertThat(stack(with(ECS, "ExistingQueueName", "uploads")).brokenRules()).containsExactlyInAnyOrder(
				"ExistingQueueName needs ExistingDeadLetterQueueName, its redrive target.",
				"ExistingQueueName needs ExistingSourceBucketName, the bucket whose uploads it receives.");
		assertThat(
				stack(with(with(ECS, "CreateCdn", "true"), "ExistingOutputBucketName", "media-variants")).brokenRules())
			.containsExactly("CreateCdn needs the stack's own output bucket (ExistingOutputBucketName empty).");
		assertThat(stack(ECS).brokenRules()).isEmpty();
		assertThat(stack(Map.of("Platform", "eks")).brokenRules()).as("eks needs no image or network").isEmpty();
	}

	@Test
	void onEksTheStackMakesThePodsRoleAndNoEcsService() {
		Map<String, String> eks = Map.of("Platform", "eks", "EksOidcProvider",
				"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE", "KubernetesNamespace", "media",
				"KubernetesServiceAccount", "thumbs-image-worker");
		StackValues values = stack(eks);

		assertThat(this.template.resources().keySet()).filteredOn(values::exists)
			.as("the AWS resources and the role, nothing of ECS")
			.doesNotContainAnyElementsOf(ECS_ONLY)
			.contains("Queue", "DeadLetterQueue", "BulkQueue", "SourceBucket", "OutputBucket", "Table", "EventsTopic",
					"TaskRole", "DeadLettersAlarm", "OldestMessageAlarm");
		assertThat(this.template.resources().keySet())
			.filteredOn(stack(with(ECS, "OperatorPasswordSecretArn",
					"arn:aws:secretsmanager:us-east-1:" + ACCOUNT + ":secret:operator"))::exists)
			.containsAll(ECS_ONLY);
		JsonNode trust = this.json.readTree((String) values.properties("TaskRole").get("AssumeRolePolicyDocument"));
		assertThat(trust.path("Statement")).hasSize(2);
		JsonNode podIdentity = trust.path("Statement").get(0);
		assertThat(podIdentity.path("Principal").path("Service").asString()).isEqualTo("pods.eks.amazonaws.com");
		assertThat(podIdentity.path("Action").toString()).isEqualTo("[\"sts:AssumeRole\",\"sts:TagSession\"]");
		assertThat(podIdentity.path("Condition").path("StringEquals").toString()).isEqualTo(
				"{\"aws:RequestTag/kubernetes-namespace\":\"media\",\"aws:RequestTag/kubernetes-service-account\":\"thumbs-image-worker\"}");
		JsonNode irsa = trust.path("Statement").get(1);
		String issuer = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
		assertThat(irsa.path("Principal").path("Federated").asString())
			.isEqualTo("arn:aws:iam::" + ACCOUNT + ":oidc-provider/" + issuer);
		assertThat(irsa.path("Action").asString()).isEqualTo("sts:AssumeRoleWithWebIdentity");
		assertThat(irsa.path("Condition").path("StringEquals").path(issuer + ":sub").asString())
			.isEqualTo("system:serviceaccount:media:thumbs-image-worker");
		assertThat(irsa.path("Condition").path("StringEquals").path(issuer + ":aud").asString())
			.isEqualTo("sts.amazonaws.com");
		assertThat(this.json
			.readTree((String) stack(Map.of("Platform", "eks")).properties("TaskRole").get("AssumeRolePolicyDocument"))
			.path("Statement")).as("Pod Identity only, without an issuer").hasSize(1);
		assertThat(inlinePolicy(values.properties("TaskRole"), "worker")).as("the same grants as the ECS task's")
			.isEqualTo(inlinePolicy(stack(ECS).properties("TaskRole"), "worker"));
		assertThat(output(values, "PodRoleArn")).isEqualTo("arn:aws:iam::" + ACCOUNT + ":role/thumbs-TaskRole");
		assertThat(output(values, "HelmSetValues"))
			.contains("--set aws.roleArn=arn:aws:iam::" + ACCOUNT + ":role/thumbs-TaskRole",
					"--set worker.queue=thumbs-queue", "--set worker.bulkQueue=thumbs-bulk")
			.doesNotContain("IMAGE_WORKER_PUBLIC_BASE_URL");
		for (String ecsOutput : List.of("ClusterName", "ServiceName", "TaskDefinitionArn", "TaskRoleArn",
				"ExecutionRoleArn", "LogGroupName", "DashboardUrl")) {
			assertThat(this.template.outputs().get(ecsOutput)).as(ecsOutput).containsEntry("Condition", "OnEcs");
		}
	}

	@Test
	void theCdnReadsTheOutputBucketAloneAndTheWorkerGetsItsUrl() {
		Map<String, Object> control = this.template.resource("CdnOriginAccessControl");
		Map<String, Object> cdn = this.template.resource("Cdn");
		assertThat(control).containsEntry("Condition", "CdnEnabled");
		assertThat(cdn).containsEntry("Condition", "CdnEnabled");
		assertThat(at(control, "Properties.OriginAccessControlConfig"))
			.asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
			.containsEntry("OriginAccessControlOriginType", "s3")
			.containsEntry("SigningBehavior", "always")
			.containsEntry("SigningProtocol", "sigv4");
		assertThat((List<?>) at(cdn, "Properties.DistributionConfig.Origins")).singleElement().satisfies((origin) -> {
			assertThat(at(origin, "DomainName")).isEqualTo(getAtt("OutputBucket", "RegionalDomainName"));
			assertThat(at(origin, "OriginAccessControlId")).isEqualTo(getAtt("CdnOriginAccessControl", "Id"));
			assertThat(at(origin, "S3OriginConfig")).as("no legacy identity")
				.isEqualTo(Map.of("OriginAccessIdentity", ""));
		});
		Map<?, ?> behaviour = (Map<?, ?>) at(cdn, "Properties.DistributionConfig.DefaultCacheBehavior");
		assertThat(behaviour.get("ViewerProtocolPolicy")).isEqualTo("redirect-to-https");
		assertThat(behaviour.get("AllowedMethods")).isEqualTo(List.of("GET", "HEAD"));
		assertThat(behaviour.get("CachePolicyId")).as("Managed-CachingOptimized, which keeps what Cache-Control asks")
			.isEqualTo("658327ea-f89d-4fab-a63d-7e88639e58f6");

		Map<?, ?> grant = (Map<?, ?>) at(this.template.properties("OutputBucketPolicy"), "PolicyDocument.Statement.1");
		assertThat(at(grant, "Fn::If.0")).isEqualTo("CdnEnabled");
		assertThat(at(grant, "Fn::If.2")).isEqualTo(ref("AWS::NoValue"));
		Map<?, ?> statement = (Map<?, ?>) at(grant, "Fn::If.1");
		assertThat(statement.get("Principal")).isEqualTo(Map.of("Service", "cloudfront.amazonaws.com"));
		assertThat(statement.get("Action")).as("objects only, no listing").isEqualTo("s3:GetObject");
		assertThat(subText(statement.get("Resource"))).isEqualTo("${OutputBucket.Arn}/*");
		assertThat(subText(at(statement, "Condition.ArnEquals.aws:SourceArn")))
			.isEqualTo("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Cdn}");

		assertThat(environment(this.template)).containsEntry("IMAGE_WORKER_PUBLIC_BASE_URL",
				Map.of("Fn::If", List.of("CdnEnabled", sub("https://${Cdn.DomainName}"))));
		StackValues values = stack(with(ECS, "CreateCdn", "true"));
		assertThat(resolvedEnvironment(values)).containsEntry("IMAGE_WORKER_PUBLIC_BASE_URL",
				"https://d111111abcdef8.cloudfront.net");
		assertThat(output(values, "PublicBaseUrl")).isEqualTo("https://d111111abcdef8.cloudfront.net");
		assertThat(resolvedEnvironment(stack(ECS))).doesNotContainKey("IMAGE_WORKER_PUBLIC_BASE_URL");
		assertThat(this.template.defaultOf("CreateCdn")).isEqualTo("false");
	}

	@Test
	void aVariantSetReachesTheWorkerWholeOnlyWhenGiven() {
		assertThat(environment(this.template)).containsEntry("SPRING_APPLICATION_JSON",
				Map.of("Fn::If", List.of("HasVariants", sub("{\"image-worker\":{\"variants\":${Variants}}}"))));
		assertThat(this.template.defaultOf("Variants")).isEqualTo("");

		Map<String, String> environment = resolvedEnvironment(
				stack(with(ECS, "Variants", HelmChartTests.EXAMPLE_VARIANTS)));
		assertThat(this.json.readTree(environment.get("SPRING_APPLICATION_JSON")))
			.isEqualTo(this.json.readTree("{\"image-worker\":{\"variants\":" + HelmChartTests.EXAMPLE_VARIANTS + "}}"));
		assertThat(environment.keySet()).noneMatch((name) -> name.startsWith("IMAGE_WORKER_VARIANTS"));
		assertThat(resolvedEnvironment(stack(ECS))).as("the worker's defaults")
			.doesNotContainKey("SPRING_APPLICATION_JSON");
	}

	@Test
	void everyParameterIsUsed() {
		String text = EcsFiles.read(CloudFormationTemplate.PATH);
		for (String parameter : this.template.parameters().keySet()) {
			String uses = text.replaceFirst("(?m)^  " + parameter + ":\\n", "");
			assertThat(uses).as(parameter).containsPattern("(!Ref |\\$\\{)" + parameter + "\\b");
		}
	}

	/**
	 * The template resolved for a stack {@code thumbs} with these parameters, each
	 * resource's physical id {@code thumbs-<logical id>} and the attributes AWS would
	 * give them.
	 */
	private StackValues stack(Map<String, String> parameters) {
		Map<String, String> ids = new LinkedHashMap<>();
		this.template.resources().keySet().forEach((id) -> ids.put(id, "thumbs-" + id));
		return new StackValues(this.template,
				"arn:aws:cloudformation:us-east-1:" + ACCOUNT + ":stack/thumbs/5e1f1e00-0000-4000-8000-000000000000",
				parameters, ids)
			.with("Queue.QueueName", "thumbs-queue")
			.with("Queue.Arn", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":thumbs-queue")
			.with("BulkQueue.QueueName", "thumbs-bulk")
			.with("BulkQueue.Arn", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":thumbs-bulk")
			.with("DeadLetterQueue.QueueName", "thumbs-dlq")
			.with("DeadLetterQueue.Arn", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":thumbs-dlq")
			.with("EventsTopic.TopicName", "thumbs-EventsTopic")
			.with("OutputBucket.Arn", "arn:aws:s3:::thumbs-OutputBucket")
			.with("OutputBucket.RegionalDomainName", "thumbs-OutputBucket.s3.us-east-1.amazonaws.com")
			.with("SourceBucket.Arn", "arn:aws:s3:::thumbs-SourceBucket")
			.with("SourceEventsRule.Arn", "arn:aws:events:us-east-1:" + ACCOUNT + ":rule/thumbs-SourceEventsRule")
			.with("TaskRole.Arn", "arn:aws:iam::" + ACCOUNT + ":role/thumbs-TaskRole")
			.with("ExecutionRole.Arn", "arn:aws:iam::" + ACCOUNT + ":role/thumbs-ExecutionRole")
			.with("Service.Name", "thumbs-Service")
			.with("CdnOriginAccessControl.Id", "E2QWRUHEXAMPLE")
			.with("Cdn.DomainName", "d111111abcdef8.cloudfront.net");
	}

	private static Map<String, String> with(Map<String, String> parameters, String name, String value) {
		Map<String, String> more = new LinkedHashMap<>(parameters);
		more.put(name, value);
		return more;
	}

	/** The task's environment as a stack with these values would register it. */
	private static Map<String, String> resolvedEnvironment(StackValues values) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (Object pair : (List<?>) at(values.properties("TaskDefinition"), "ContainerDefinitions.0.Environment")) {
			environment.put((String) ((Map<?, ?>) pair).get("Name"), String.valueOf(((Map<?, ?>) pair).get("Value")));
		}
		return environment;
	}

	private String output(StackValues values, String name) {
		return String.valueOf(values.resolve(this.template.outputs().get(name).get("Value")));
	}

	private void assertSameDocument(String file, Map<?, ?> document) {
		Map<?, ?> expected = this.json.readValue(EcsFiles.read(EcsFiles.DIRECTORY.resolve(file)), Map.class);
		assertThat(document.get("Version")).isEqualTo(expected.get("Version"));
		List<?> expectedStatements = (List<?>) expected.get("Statement");
		List<?> statements = (List<?>) document.get("Statement");
		assertThat(statements).as(file).hasSameSizeAs(expectedStatements);
		for (int i = 0; i < statements.size(); i++) {
			Map<?, ?> want = (Map<?, ?>) expectedStatements.get(i);
			Map<?, ?> have = (Map<?, ?>) statements.get(i);
			String where = file + " statement " + want.get("Sid");
			assertThat(have.keySet()).as(where).isEqualTo(want.keySet());
			assertThat(have.get("Sid")).as(where).isEqualTo(want.get("Sid"));
			assertThat(have.get("Effect")).as(where).isEqualTo(want.get("Effect"));
			assertThat(have.get("Action")).as(where).isEqualTo(want.get("Action"));
			assertThat(have.get("Principal")).as(where).isEqualTo(want.get("Principal"));
			boolean image = "PullTheImage".equals(want.get("Sid"));
			assertSameValues(have.get("Resource"), want.get("Resource"), image, where);
			assertSameValues(have.get("Condition"), want.get("Condition"), image, where);
		}
	}

	private void assertSameValues(Object have, Object want, boolean image, String where) {
		if (want instanceof Map<?, ?> wantMap) {
			assertThat(((Map<?, ?>) have).keySet()).as(where).isEqualTo(wantMap.keySet());
			wantMap.forEach((key, value) -> assertSameValues(((Map<?, ?>) have).get(key), value, image, where));
		}
		else if (want instanceof List<?> wantList) {
			assertThat((List<?>) have).as(where).hasSameSizeAs(wantList);
			for (int i = 0; i < wantList.size(); i++) {
				assertSameValues(((List<?>) have).get(i), wantList.get(i), image, where);
			}
		}
		else if (want instanceof String text && text.contains("${")) {
			assertThat(templateText(have)).as(where).matches(placeholderPattern(text, image));
		}
		else {
			assertThat(have).as(where).isEqualTo(want);
		}
	}

	/**
	 * A JSON file's text as a pattern the template's text must match: its partition is
	 * the template's {@code AWS::Partition} and each placeholder the template's name for
	 * the same thing.
	 */
	private static String placeholderPattern(String text, boolean image) {
		Map<String, String> names = Map.ofEntries(Map.entry("AWS_REGION", image ? "ImageRegion" : "AWS::Region"),
				Map.entry("AWS_ACCOUNT_ID", image ? "ImageAccount" : "AWS::AccountId"), Map.entry("QUEUE", "QueueName"),
				Map.entry("BULK_QUEUE", "BulkQueue.QueueName"), Map.entry("DLQ", "DeadLetterQueueName"),
				Map.entry("SOURCE_BUCKET", "SourceBucketName"), Map.entry("OUTPUT_BUCKET", "OutputBucketName"),
				Map.entry("TABLE", "TableName"), Map.entry("TOPIC", "TopicName"), Map.entry("LOG_GROUP", "LogGroup"),
				Map.entry("ECR_REPOSITORY", "ImageRepository"));
		Matcher placeholders = Pattern.compile("\\$\\{([A-Z_]+)}")
			.matcher(text.replace("arn:aws:", "arn:${PARTITION}:"));
		StringBuilder pattern = new StringBuilder();
		int end = 0;
		String withPartition = text.replace("arn:aws:", "arn:${PARTITION}:");
		while (placeholders.find()) {
			pattern.append(Pattern.quote(withPartition.substring(end, placeholders.start())));
			String name = placeholders.group(1).equals("PARTITION") ? "AWS::Partition"
					: names.get(placeholders.group(1));
			assertThat(name).as("a template name for ${%s}", placeholders.group(1)).isNotNull();
			pattern.append(Pattern.quote("${" + name + "}"));
			end = placeholders.end();
		}
		return pattern.append(Pattern.quote(withPartition.substring(end))).toString();
	}

	/** A template value as the text an {@code Fn::Sub} would hold. */
	private static String templateText(Object value) {
		if (value instanceof Map<?, ?> map && map.containsKey("Ref")) {
			return "${" + map.get("Ref") + "}";
		}
		if (value instanceof Map<?, ?> map && map.containsKey("Fn::GetAtt")) {
			return "${" + String.join(".", strings(map.get("Fn::GetAtt"))) + "}";
		}
		return subText(value);
	}

	private static void assertTlsOnly(Map<?, ?> statement, String action, Object resource) {
		assertThat(statement.get("Effect")).isEqualTo("Deny");
		assertThat(statement.get("Principal")).isEqualTo("*");
		assertThat(statement.get("Action")).isEqualTo(action);
		if (resource != null) {
			assertThat(statement.get("Resource")).isEqualTo(resource);
		}
		assertThat(statement.get("Condition")).isEqualTo(Map.of("Bool", Map.of("aws:SecureTransport", "false")));
	}

	private List<Map<?, ?>> identityStatements() {
		List<Object> documents = new ArrayList<>();
		for (String role : this.template.ofType("AWS::IAM::Role")) {
			for (Object policy : list(this.template.properties(role).get("Policies"))) {
				documents.add(((Map<?, ?>) policy).get("PolicyDocument"));
			}
		}
		for (String policy : this.template.ofType("AWS::IAM::Policy")) {
			documents.add(this.template.properties(policy).get("PolicyDocument"));
		}
		List<Map<?, ?>> statements = new ArrayList<>();
		for (Object document : documents) {
			for (Object statement : (List<?>) ((Map<?, ?>) document).get("Statement")) {
				statements.add((Map<?, ?>) statement);
			}
		}
		return statements;
	}

	private static Map<?, ?> inlinePolicy(Map<String, Object> role, String name) {
		return list(role.get("Policies")).stream()
			.map((policy) -> (Map<?, ?>) policy)
			.filter((policy) -> name.equals(policy.get("PolicyName")))
			.map((policy) -> (Map<?, ?>) policy.get("PolicyDocument"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No inline policy " + name));
	}

	/**
	 * The container's environment, name to template value; an entry present only under a
	 * condition maps to {@code {"Fn::If": [condition, value]}}.
	 */
	static Map<String, Object> environment(CloudFormationTemplate template) {
		Map<String, Object> environment = new LinkedHashMap<>();
		for (Object entry : (List<?>) at(template.properties("TaskDefinition"), "ContainerDefinitions.0.Environment")) {
			Map<?, ?> pair = (Map<?, ?>) entry;
			if (pair.containsKey("Fn::If")) {
				List<?> branches = (List<?>) pair.get("Fn::If");
				assertThat(branches.get(2)).as("an entry either there or left out").isEqualTo(ref("AWS::NoValue"));
				Map<?, ?> present = (Map<?, ?>) branches.get(1);
				environment.put((String) present.get("Name"),
						Map.of("Fn::If", List.of(branches.get(0), present.get("Value"))));
			}
			else {
				environment.put((String) pair.get("Name"), pair.get("Value"));
			}
		}
		return environment;
	}

	/**
	 * The expression a metric-math query list returns, each metric id replaced by
	 * {@code Namespace-tail:MetricName/Stat}.
	 */
	private static String returnedExpression(Object queries) {
		Map<String, String> metrics = new LinkedHashMap<>();
		String expression = null;
		for (Object query : (List<?>) queries) {
			Map<?, ?> map = (Map<?, ?>) query;
			if (map.containsKey("MetricStat")) {
				String namespace = (String) at(map, "MetricStat.Metric.Namespace");
				metrics.put((String) map.get("Id"), namespace.substring(namespace.indexOf('/') + 1) + ":"
						+ at(map, "MetricStat.Metric.MetricName") + "/" + at(map, "MetricStat.Stat"));
			}
			if (Boolean.TRUE.equals(map.get("ReturnData"))) {
				Object text = map.get("Expression");
				expression = (text instanceof String string) ? string : subText(text);
			}
		}
		assertThat(expression).as("one query returns data").isNotNull();
		for (Map.Entry<String, String> metric : metrics.entrySet()) {
			expression = expression.replaceAll("\\b" + metric.getKey() + "\\b",
					Matcher.quoteReplacement(metric.getValue()));
		}
		return expression;
	}

	/** The {@code QueueName} dimension of the metric query with the given id. */
	private static Object queueOf(Object queries, String id) {
		Map<?, ?> query = ((List<?>) queries).stream()
			.map((candidate) -> (Map<?, ?>) candidate)
			.filter((candidate) -> id.equals(candidate.get("Id")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No metric query " + id));
		assertThat(at(query, "MetricStat.Metric.Dimensions.0.Name")).isEqualTo("QueueName");
		return at(query, "MetricStat.Metric.Dimensions.0.Value");
	}

	private JsonNode dashboard() {
		String body = subText(this.template.properties("Dashboard").get("DashboardBody"))
			.replaceAll("\"value\": \\$\\{\\w+}", "\"value\": 0");
		return this.json.readTree(body);
	}

	/** The Micrometer meter behind a CloudWatch metric name. */
	private static String meter(String metricName) {
		return metricName.replaceFirst("\\.(count|sum|avg|max)$", "");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> objects(Object value) {
		return (List<Object>) value;
	}

	private static List<?> list(Object value) {
		return (value instanceof List<?> list) ? list : (value != null) ? List.of(value) : List.of();
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object value) {
		return (List<String>) list(value);
	}

	private static boolean onPath(String command) {
		Set<String> seen = new HashSet<>();
		for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
			if (seen.add(dir) && java.nio.file.Files.isExecutable(Path.of(dir, command))) {
				return true;
			}
		}
		return false;
	}

}
