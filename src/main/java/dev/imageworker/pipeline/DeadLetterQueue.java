package dev.imageworker.pipeline;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.PermanentFailure;
import io.awspring.cloud.sqs.operations.SqsTemplate;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Sends the original body of a message with failures to the dead-letter queue, once, with
 * its reasons as message attributes, through Spring Cloud AWS's {@link SqsTemplate}.
 */
@Component
class DeadLetterQueue {

	/**
	 * SQS caps a message attribute value far above this; long reasons only clutter
	 * consoles.
	 */
	private static final int MAX_REASON_LENGTH = 1024;

	private final SqsTemplate sqs;

	private final String queue;

	DeadLetterQueue(SqsTemplate sqs, ImageWorkerProperties properties) {
		this.sqs = sqs;
		this.queue = properties.deadLetterQueue();
	}

	/**
	 * Dead-letters the message with the first failure's code; the message lists every
	 * failure when there are several.
	 * @param failures at least one
	 */
	void send(ReceivedMessage message, List<Failed> failures) {
		Failed first = failures.getFirst();
		Map<String, Object> attributes = new HashMap<>();
		attributes.put(DeadLetterAttributes.FAILURE_CODE, first.failure().code().name());
		attributes.put(DeadLetterAttributes.FAILURE_MESSAGE, truncate((failures.size() == 1) ? first.reason()
				: failures.stream().map(Failed::describe).collect(Collectors.joining("; "))));
		attributes.put(DeadLetterAttributes.SOURCE_MESSAGE_ID, message.messageId());
		if (first.imageId() != null) {
			attributes.put(DeadLetterAttributes.IMAGE_ID, first.imageId());
		}
		if (failures.size() > 1) {
			attributes.put(DeadLetterAttributes.FAILURE_COUNT, failures.size());
		}
		this.sqs.send((to) -> to.queue(this.queue).payload(message.body()).headers(attributes));
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
