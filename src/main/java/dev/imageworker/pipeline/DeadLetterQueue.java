package dev.imageworker.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.queue.QueueUrls;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import org.springframework.stereotype.Component;

/**
 * Sends the original body of a message with failures to the dead-letter queue, once, with
 * its reasons.
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

	/**
	 * Dead-letters the message with the first failure's code; the message lists every
	 * failure when there are several.
	 * @param failures at least one
	 */
	void send(ReceivedMessage message, List<Failed> failures) {
		Failed first = failures.getFirst();
		Map<String, MessageAttributeValue> attributes = new HashMap<>();
		attributes.put("failure-code", string(first.failure().code().name()));
		attributes.put("failure-message", string(truncate((failures.size() == 1) ? first.reason()
				: failures.stream().map(Failed::describe).collect(Collectors.joining("; ")))));
		attributes.put("source-message-id", string(message.messageId()));
		if (first.imageId() != null) {
			attributes.put("image-id", string(first.imageId()));
		}
		if (failures.size() > 1) {
			attributes.put("failure-count",
					MessageAttributeValue.builder()
						.dataType("Number")
						.stringValue(Integer.toString(failures.size()))
						.build());
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

	/**
	 * One permanent failure of a message.
	 *
	 * @param imageId the image it concerns, where the message named one
	 * @param failure what went wrong
	 */
	record Failed(@Nullable String imageId, PermanentFailure failure) {

		String reason() {
			return String.valueOf(this.failure.getMessage());
		}

		String describe() {
			return ((this.imageId != null) ? this.imageId + " " : "") + this.failure.code() + ": " + reason();
		}

	}

}
