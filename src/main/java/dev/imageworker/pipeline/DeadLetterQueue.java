package dev.imageworker.pipeline;

import java.util.HashMap;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.queue.QueueUrls;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import org.springframework.stereotype.Component;

/**
 * Sends the original body of a failed message to the dead-letter queue, with its reason.
 */
@Component
class DeadLetterQueue {

	/**
	 * SQS caps a message attribute value far above this; long reasons only clutter
	 * consoles.
	 */
	private static final int MAX_REASON_LENGTH = 1024;

	private final SqsAsyncClient sqs;

	private final QueueUrls queues;

	private final String queue;

	DeadLetterQueue(SqsAsyncClient sqs, QueueUrls queues, ImageWorkerProperties properties) {
		this.sqs = sqs;
		this.queues = queues;
		this.queue = properties.deadLetterQueue();
	}

	void send(ReceivedMessage message, @Nullable String imageId, PermanentFailure failure) {
		Map<String, MessageAttributeValue> attributes = new HashMap<>();
		attributes.put("failure-code", string(failure.code().name()));
		attributes.put("failure-message", string(truncate(String.valueOf(failure.getMessage()))));
		attributes.put("source-message-id", string(message.messageId()));
		if (imageId != null) {
			attributes.put("image-id", string(imageId));
		}
		this.sqs
			.sendMessage((request) -> request.queueUrl(this.queues.of(this.queue))
				.messageBody(message.body())
				.messageAttributes(attributes))
			.join();
	}

	private static MessageAttributeValue string(String value) {
		return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
	}

	private static String truncate(String reason) {
		return (reason.length() <= MAX_REASON_LENGTH) ? reason : reason.substring(0, MAX_REASON_LENGTH - 1) + "…";
	}

}
