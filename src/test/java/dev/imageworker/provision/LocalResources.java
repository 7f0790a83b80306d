package dev.imageworker.provision;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import dev.imageworker.queue.QueueUrls;
import dev.imageworker.support.LocalAws;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The worker's own local provisioning, for a process that is not the worker: the
 * end-to-end benchmark's peer gets the queue, buckets, notification, table and topic the
 * worker would create for itself with the same properties.
 */
public final class LocalResources {

	private LocalResources() {
	}

	public static void provision(LocalAws aws, ImageWorkerProperties properties) {
		try (SqsAsyncClient sqs = aws.client(SqsAsyncClient.builder());
				S3Client s3 = aws.s3();
				DynamoDbClient dynamo = aws.dynamo();
				SnsClient sns = aws.sns()) {
			new LocalProvisioner(properties, sqs, new QueueAttributes(sqs, new QueueUrls(sqs)), s3, dynamo, sns)
				.afterPropertiesSet();
		}
	}

}
