package dev.imageworker.operations;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.pipeline.DeadLetterAttributes;
import dev.imageworker.queue.QueueUrls;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/deadletters}: lists the dead-lettered messages with their failure
 * codes without consuming them. Messages the queue's redrive policy moved carry no
 * failure attributes: they failed transiently on every receive. Moving them back is SQS's
 * own DLQ redrive ({@code aws sqs start-message-move-task}), not the worker's: it needs
 * rights the worker's role does not have.
 */
@Component
@Endpoint(id = "deadletters")
@ConditionalOnProperty("image-worker.operator.password")
class DeadLettersEndpoint {

	private static final int MAX_LISTED = 100;

	private static final int BATCH = 10;

	/**
	 * Long enough to page through the queue without seeing a message twice; a peek ends
	 * by making the messages visible again.
	 */
	private static final int PEEK_SECONDS = 30;

	private final SqsAsyncClient sqs;

	private final QueueUrls queues;

	private final ImageWorkerProperties properties;

	DeadLettersEndpoint(SqsAsyncClient sqs, QueueUrls queues, ImageWorkerProperties properties) {
		this.sqs = sqs;
		this.queues = queues;
		this.properties = properties;
	}

	@ReadOperation
	DeadLetters list() {
		String url = this.queues.of(this.properties.deadLetterQueue());
		List<Message> seen = receiveAll(url, MAX_LISTED);
		for (Message message : seen) {
			this.sqs
				.changeMessageVisibility(
						(request) -> request.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(0))
				.join();
		}
		return new DeadLetters(this.properties.deadLetterQueue(), seen.size(),
				seen.stream().map(DeadLettersEndpoint::describe).toList());
	}

	private List<Message> receiveAll(String url, int max) {
		List<Message> all = new ArrayList<>();
		List<Message> batch;
		do {
			batch = receive(url);
			all.addAll(batch);
		}
		while (!batch.isEmpty() && all.size() < max);
		return all;
	}

	private List<Message> receive(String url) {
		return this.sqs
			.receiveMessage((request) -> request.queueUrl(url)
				.maxNumberOfMessages(BATCH)
				.visibilityTimeout(PEEK_SECONDS)
				.waitTimeSeconds(0)
				.messageAttributeNames("All")
				.messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP,
						MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT))
			.join()
			.messages();
	}

	private static @Nullable Long sentAt(Message message) {
		String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
		return (sent != null) ? Long.parseLong(sent) : null;
	}

	private static DeadLetter describe(Message message) {
		Map<String, MessageAttributeValue> attributes = message.messageAttributes();
		return new DeadLetter(message.messageId(), attribute(attributes, DeadLetterAttributes.IMAGE_ID),
				attribute(attributes, DeadLetterAttributes.FAILURE_CODE),
				attribute(attributes, DeadLetterAttributes.FAILURE_MESSAGE),
				attribute(attributes, DeadLetterAttributes.SOURCE_MESSAGE_ID), sentAt(message), message.body());
	}

	private static @Nullable String attribute(Map<String, MessageAttributeValue> attributes, String name) {
		MessageAttributeValue value = attributes.get(name);
		return (value != null) ? value.stringValue() : null;
	}

	/**
	 * The dead-letter queue at a glance.
	 *
	 * @param queue the dead-letter queue
	 * @param count messages listed (at most 100)
	 * @param messages the messages
	 */
	record DeadLetters(String queue, int count, List<DeadLetter> messages) {
	}

	/**
	 * One dead-lettered message.
	 *
	 * @param messageId its id in the dead-letter queue
	 * @param imageId the image it names, when known
	 * @param failureCode why it failed; null when the redrive policy moved it
	 * @param failureMessage the failure in words
	 * @param sourceMessageId its id in the main queue
	 * @param sentTimestamp epoch millis it was dead-lettered
	 * @param body the original message body
	 */
	record DeadLetter(String messageId, @Nullable String imageId, @Nullable String failureCode,
			@Nullable String failureMessage, @Nullable String sourceMessageId, @Nullable Long sentTimestamp,
			String body) {
	}

}
