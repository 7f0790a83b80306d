package dev.imageworker.deploy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IAM documents allow every call the worker makes, on its own resources only, and
 * nothing broader. The resources are checked here; {@code ImageWorkerIT} and
 * {@code OperationsIT} check the actions against the calls the running worker really
 * makes, both ways.
 */
class IamPoliciesTests {

	private static final String SQS = "arn:aws:sqs:eu-west-1:111122223333:";

	private static final String QUEUE = SQS + "jobs";

	private static final String BULK_QUEUE = SQS + "jobs-bulk";

	private static final String DLQ = SQS + "jobs-dlq";

	private static final String TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/images";

	private static final String TOPIC = "arn:aws:sns:eu-west-1:111122223333:image-events";

	/** Actions the AWS documentation lists without resource-level permissions. */
	private static final List<String> WITHOUT_RESOURCES = List.of("cloudwatch:PutMetricData",
			"ecr:GetAuthorizationToken");

	private final EcsFiles files = new EcsFiles(Map.ofEntries(Map.entry("AWS_ACCOUNT_ID", "111122223333"),
			Map.entry("AWS_REGION", "eu-west-1"), Map.entry("QUEUE", "jobs"), Map.entry("BULK_QUEUE", "jobs-bulk"),
			Map.entry("DLQ", "jobs-dlq"), Map.entry("SOURCE_BUCKET", "uploads"), Map.entry("OUTPUT_BUCKET", "thumbs"),
			Map.entry("TABLE", "images"), Map.entry("TOPIC", "image-events"),
			Map.entry("LOG_GROUP", "/ecs/image-worker"), Map.entry("ECR_REPOSITORY", "image-worker")));

	private final IamPolicy task = IamPolicy.of(this.files.json(EcsFiles.DIRECTORY.resolve("task-role-policy.json")));

	private final IamPolicy operator = IamPolicy
		.of(this.files.json(EcsFiles.DIRECTORY.resolve("operator-policy.json")));

	private final IamPolicy execution = IamPolicy
		.of(this.files.json(EcsFiles.DIRECTORY.resolve("execution-role-policy.json")));

	@Test
	void taskRoleAllowsEveryCallTheWorkerMakes() {
		// ImageStore; listing lets S3 answer 404 rather than 403 for a missing source.
		assertAllowed(this.task, "s3:GetObject", "arn:aws:s3:::uploads/u/1/a.jpg");
		assertAllowed(this.task, "s3:ListBucket", "arn:aws:s3:::uploads");
		assertAllowed(this.task, "s3:PutObject", "arn:aws:s3:::thumbs/a/e/thumb.jpg");
		assertAllowed(this.task, "s3:DeleteObject", "arn:aws:s3:::thumbs/a/e/thumb.jpg");
		// Listener containers (the live and the bulk queue's), QueueBacklog.
		for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
				"sqs:GetQueueUrl", "sqs:GetQueueAttributes")) {
			assertAllowed(this.task, action, QUEUE);
			assertAllowed(this.task, action, BULK_QUEUE);
		}
		// DeadLetterQueue, QueueBacklog.
		for (String action : List.of("sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes")) {
			assertAllowed(this.task, action, DLQ);
		}
		// ImageCatalog.
		assertAllowed(this.task, "dynamodb:PutItem", TABLE);
		assertAllowed(this.task, "dynamodb:UpdateItem", TABLE);
		// EventPublisher, given the topic's ARN as the task definition does.
		assertAllowed(this.task, "sns:Publish", TOPIC);
		// DownstreamProbes: HeadBucket (s3:ListBucket, above), a conditional UpdateItem
		// (above) and GetTopicAttributes.
		assertAllowed(this.task, "sns:GetTopicAttributes", TOPIC);
		// Micrometer's CloudWatch registry.
		assertAllowed(this.task, "cloudwatch:PutMetricData", "*");
	}

	@Test
	void taskRoleAllowsNothingElse() {
		assertDenied(this.task, "s3:GetObject", "arn:aws:s3:::other-bucket/a.jpg");
		assertDenied(this.task, "s3:GetObject", "arn:aws:s3:::thumbs/thumb/a.jpg");
		assertDenied(this.task, "s3:PutObject", "arn:aws:s3:::uploads/u/1/a.jpg");
		assertDenied(this.task, "s3:DeleteObject", "arn:aws:s3:::uploads/u/1/a.jpg");
		assertDenied(this.task, "s3:ListBucket", "arn:aws:s3:::thumbs");
		assertDenied(this.task, "s3:ListBucket", "arn:aws:s3:::other-bucket");
		assertDenied(this.task, "sqs:SendMessage", QUEUE);
		// The reprocess command sends with the operator's own identity.
		assertDenied(this.task, "sqs:SendMessage", BULK_QUEUE);
		assertDenied(this.task, "sqs:PurgeQueue", BULK_QUEUE);
		assertDenied(this.task, "sqs:ReceiveMessage", DLQ);
		assertDenied(this.task, "sqs:DeleteMessage", DLQ);
		assertDenied(this.task, "sqs:ReceiveMessage", SQS + "someone-elses-queue");
		assertDenied(this.task, "dynamodb:DeleteItem", TABLE);
		assertDenied(this.task, "dynamodb:GetItem", TABLE);
		assertDenied(this.task, "sns:CreateTopic", TOPIC);
		assertDenied(this.task, "dynamodb:Scan", TABLE);
		assertDenied(this.task, "sns:Publish", "arn:aws:sns:eu-west-1:111122223333:other");
		assertDenied(this.task, "sns:DeleteTopic", TOPIC);
		assertDenied(this.task, "sns:GetTopicAttributes", "arn:aws:sns:eu-west-1:111122223333:other");
		assertDenied(this.task, "sns:SetTopicAttributes", TOPIC);
		assertDenied(this.task, "iam:PassRole", "*");
	}

	@Test
	void operatorPolicyReadsTheDeadLettersAndTheTableOnly() {
		assertAllowed(this.operator, "sqs:ReceiveMessage", DLQ);
		assertAllowed(this.operator, "sqs:ChangeMessageVisibility", DLQ);
		assertAllowed(this.operator, "dynamodb:GetItem", TABLE);
		assertDenied(this.operator, "sqs:ReceiveMessage", QUEUE);
		assertDenied(this.operator, "sqs:DeleteMessage", DLQ);
		assertDenied(this.operator, "sqs:SendMessage", QUEUE);
		assertDenied(this.operator, "sqs:StartMessageMoveTask", DLQ);
		assertDenied(this.operator, "dynamodb:Scan", TABLE);
		assertDenied(this.operator, "dynamodb:PutItem", TABLE);
	}

	@Test
	void metricsAreConfinedToTheWorkersNamespace() {
		IamPolicy.Statement metrics = this.task.statements()
			.stream()
			.filter((statement) -> statement.actions().contains("cloudwatch:PutMetricData"))
			.findFirst()
			.orElseThrow();
		// The namespace the task definition gives Micrometer.
		String namespace = EcsFiles.read(EcsFiles.TASK_DEFINITION)
			.replaceAll("(?s).*\"MANAGEMENT_CLOUDWATCH_METRICS_EXPORT_NAMESPACE\", \"value\": \"([^\"]+)\".*", "$1");

		assertThat(metrics.condition()).isEqualTo(Map.of("StringEquals", Map.of("cloudwatch:namespace", namespace)));
	}

	@Test
	void executionRolePullsTheImageAndShipsLogsOnly() {
		assertAllowed(this.execution, "ecr:GetAuthorizationToken", "*");
		for (String action : List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
				"ecr:BatchCheckLayerAvailability")) {
			assertAllowed(this.execution, action, "arn:aws:ecr:eu-west-1:111122223333:repository/image-worker");
		}
		String logStream = "arn:aws:logs:eu-west-1:111122223333:log-group:/ecs/image-worker:log-stream:image-worker/x";
		assertAllowed(this.execution, "logs:CreateLogStream", logStream);
		assertAllowed(this.execution, "logs:PutLogEvents", logStream);
		assertDenied(this.execution, "ecr:BatchGetImage", "arn:aws:ecr:eu-west-1:111122223333:repository/other");
		assertDenied(this.execution, "s3:GetObject", "arn:aws:s3:::uploads/a.jpg");
		assertDenied(this.execution, "sqs:ReceiveMessage", QUEUE);
	}

	@Test
	void noWildcardActionsNoDataPlaneWildcardResourcesNoDenyTricks() {
		for (IamPolicy policy : List.of(this.task, this.operator, this.execution)) {
			for (IamPolicy.Statement statement : policy.statements()) {
				assertThat(statement.effect()).isEqualTo("Allow");
				assertThat(statement.raw()).doesNotContainKeys("NotAction", "NotResource", "NotPrincipal");
				assertThat(statement.actions()).isNotEmpty().noneMatch((action) -> action.contains("*"));
				if (statement.resources().stream().anyMatch((resource) -> resource.equals("*"))) {
					assertThat(WITHOUT_RESOURCES).as("actions on Resource *").containsAll(statement.actions());
				}
				assertThat(statement.resources()).noneMatch((resource) -> resource.matches("arn:aws:[a-z0-9]+:::?\\*"));
			}
		}
	}

	@Test
	void onlyEcsTasksOfTheAccountAssumeTheRoles() {
		for (String role : List.of("task", "execution")) {
			Map<String, Object> trust = this.files.json(EcsFiles.DIRECTORY.resolve(role + "-role-trust.json"));
			assertThat(trust).containsEntry("Version", "2012-10-17");
			assertThat(IamPolicy.of(trust).statements()).singleElement().satisfies((statement) -> {
				assertThat(statement.effect()).isEqualTo("Allow");
				assertThat(statement.actions()).containsExactly("sts:AssumeRole");
				assertThat(statement.raw().get("Principal")).isEqualTo(Map.of("Service", "ecs-tasks.amazonaws.com"));
				assertThat(statement.condition()).containsEntry("StringEquals",
						Map.of("aws:SourceAccount", "111122223333"));
			});
		}
	}

	private static void assertAllowed(IamPolicy policy, String action, String resource) {
		assertThat(policy.allows(action, resource)).as("%s on %s allowed", action, resource).isTrue();
	}

	private static void assertDenied(IamPolicy policy, String action, String resource) {
		assertThat(policy.allows(action, resource)).as("%s on %s allowed", action, resource).isFalse();
	}

}
