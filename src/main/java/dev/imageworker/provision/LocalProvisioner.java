package dev.imageworker.provision;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.imageworker.catalog.ItemAttributes;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import dev.imageworker.queue.QueueUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * Creates whatever local resources are missing, before the listener starts: the queue
 * (and the bulk queue, where one is configured) with its dead-letter queue and redrive
 * policy, the buckets with the S3 to SQS notification, the table and the topic. Local use
 * only: production resources belong to infrastructure code.
 */
@Component
@ConditionalOnBooleanProperty("image-worker.provision")
class LocalProvisioner implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(LocalProvisioner.class);

	private static final String FOURTEEN_DAYS = "1209600";

	private final ImageWorkerProperties properties;

	private final SqsAsyncClient sqs;

	private final QueueAttributes queueAttributes;

	private final S3Client s3;

	private final DynamoDbClient dynamo;

	private final SnsClient sns;

	LocalProvisioner(ImageWorkerProperties properties, SqsAsyncClient sqs, QueueAttributes queueAttributes, S3Client s3,
			DynamoDbClient dynamo, SnsClient sns) {
		this.properties = properties;
		this.sqs = sqs;
		this.queueAttributes = queueAttributes;
		this.s3 = s3;
		this.dynamo = dynamo;
		this.sns = sns;
	}

	@Override
	public void afterPropertiesSet() {
		String deadLetterArn = createQueue(QueueUrls.name(this.properties.deadLetterQueue()),
				Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, FOURTEEN_DAYS));
		String redrivePolicy = "{\"deadLetterTargetArn\":\"" + deadLetterArn + "\",\"maxReceiveCount\":\""
				+ this.properties.processing().maxReceiveCount() + "\"}";
		Map<QueueAttributeName, String> queueAttributes = Map.of(QueueAttributeName.REDRIVE_POLICY, redrivePolicy,
				QueueAttributeName.VISIBILITY_TIMEOUT,
				Long.toString(this.properties.processing().visibilityTimeout().toSeconds()),
				QueueAttributeName.RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "20");
		String queueArn = createQueue(QueueUrls.name(this.properties.queue()), queueAttributes);
		if (this.properties.bulkQueue() != null) {
			createQueue(QueueUrls.name(this.properties.bulkQueue()), queueAttributes);
		}
		String sourceBucket = this.properties.sourceBuckets().getFirst();
		createBucket(sourceBucket);
		createBucket(this.properties.outputBucket());
		this.s3.putBucketNotificationConfiguration((request) -> request.bucket(sourceBucket)
			.notificationConfiguration((configuration) -> configuration.queueConfigurations(
					QueueConfiguration.builder().queueArn(queueArn).events(Event.S3_OBJECT_CREATED).build())));
		createTable(this.properties.table());
		String topic = this.properties.topic();
		// The topic named by its ARN, as in production, has its name last.
		this.sns.createTopic((request) -> request.name(topic.substring(topic.lastIndexOf(':') + 1)));
		log.info("Provisioned queue {} (dead letters to {}), buckets {} and {}, table {}, topic {}",
				this.properties.queue(), this.properties.deadLetterQueue(), sourceBucket,
				this.properties.outputBucket(), this.properties.table(), this.properties.topic());
	}

	private String createQueue(String name, Map<QueueAttributeName, String> attributes) {
		String url = this.sqs.createQueue((request) -> request.queueName(name).attributes(attributes))
			.join()
			.queueUrl();
		return Objects.requireNonNull(
				this.queueAttributes.read(url, QueueAttributeName.QUEUE_ARN).join().get(QueueAttributeName.QUEUE_ARN),
				() -> "no QueueArn for " + url);
	}

	private void createBucket(String bucket) {
		try {
			this.s3.createBucket((request) -> request.bucket(bucket));
		}
		catch (BucketAlreadyOwnedByYouException ex) {
			// Already there: provisioning is idempotent.
		}
	}

	private void createTable(String table) {
		try {
			this.dynamo.describeTable((request) -> request.tableName(table));
			return;
		}
		catch (ResourceNotFoundException ex) {
			// Created below.
		}
		this.dynamo.createTable((request) -> request.tableName(table)
			.billingMode(BillingMode.PAY_PER_REQUEST)
			.attributeDefinitions((definition) -> definition.attributeName(ItemAttributes.IMAGE_ID)
				.attributeType(ScalarAttributeType.S))
			.keySchema(List.of(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
				.attributeName(ItemAttributes.IMAGE_ID)
				.keyType(KeyType.HASH)
				.build())));
		this.dynamo.waiter().waitUntilTableExists((request) -> request.tableName(table));
	}

}
