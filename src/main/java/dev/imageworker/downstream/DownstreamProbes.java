package dev.imageworker.downstream;

import java.util.Map;

import dev.imageworker.catalog.ItemAttributes;
import dev.imageworker.config.ImageWorkerProperties;
import io.awspring.cloud.sns.core.TopicArnResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

import org.springframework.stereotype.Component;

/**
 * The one cheap call that tells whether a downstream answers again, made when its breaker
 * goes half-open; the call's outcome reaches the breaker like any other's, through the
 * {@link OutageRecorder}.
 */
@Component
public class DownstreamProbes {

	private static final Logger log = LoggerFactory.getLogger(DownstreamProbes.class);

	/** No item has it, so the probe's conditional write never writes. */
	private static final String NEVER_WRITTEN = "probeNeverWritten";

	private final S3Client s3;

	private final DynamoDbClient dynamo;

	private final SnsClient sns;

	private final TopicArnResolver topics;

	private final String topic;

	private final String sourceBucket;

	private final String table;

	DownstreamProbes(S3Client s3, DynamoDbClient dynamo, SnsClient sns, TopicArnResolver topics,
			DownstreamBreakers breakers, ImageWorkerProperties properties) {
		this.s3 = s3;
		this.dynamo = dynamo;
		this.sns = sns;
		this.topics = topics;
		this.topic = properties.topic();
		this.sourceBucket = properties.sourceBuckets().getFirst();
		this.table = properties.table();
		for (Downstream downstream : Downstream.values()) {
			// Off the breaker's scheduler thread: a probe may wait out the SDK's retries.
			breakers.onHalfOpen(downstream,
					(open) -> Thread.ofVirtual().name("probe-" + open.id()).start(() -> probeQuietly(open)));
		}
	}

	/**
	 * Makes the downstream's probe call: HeadBucket on the first source bucket, a
	 * conditional UpdateItem on the table that writes nothing, GetTopicAttributes on the
	 * topic. Each needs only a right the worker holds for its work.
	 * @throws RuntimeException when the downstream does not answer
	 */
	public void probe(Downstream downstream) {
		switch (downstream) {
			case S3 -> this.s3.headBucket((request) -> request.bucket(this.sourceBucket));
			case DYNAMODB -> {
				try {
					this.dynamo.updateItem((request) -> request.tableName(this.table)
						.key(Map.of(ItemAttributes.IMAGE_ID, AttributeValue.fromS(NEVER_WRITTEN)))
						.updateExpression("SET #never = :never")
						.conditionExpression("attribute_exists(#never)")
						.expressionAttributeNames(Map.of("#never", NEVER_WRITTEN))
						.expressionAttributeValues(Map.of(":never", AttributeValue.fromBool(true))));
				}
				catch (ConditionalCheckFailedException expected) {
					// The table answered.
				}
			}
			case SNS -> this.sns
				.getTopicAttributes((request) -> request.topicArn(this.topics.resolveTopicArn(this.topic).toString()));
		}
	}

	private void probeQuietly(Downstream downstream) {
		try {
			probe(downstream);
			log.info("Downstream {} answers again", downstream.id());
		}
		catch (RuntimeException ex) {
			log.warn("Downstream {} still fails: {}", downstream.id(), ex.toString());
		}
	}

}
