package dev.imageworker.queue;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.stereotype.Component;

/**
 * Reads a queue's attributes for every part of the worker that needs them: the settings
 * it acts on, the readiness check, the backlog gauges and local provisioning. The one
 * caller of GetQueueAttributes, so the right it needs and the way a queue is named (name
 * or URL) are settled here.
 */
@Component
public class QueueAttributes {

	private final SqsAsyncClient sqs;

	private final QueueUrls queues;

	public QueueAttributes(SqsAsyncClient sqs, QueueUrls queues) {
		this.sqs = sqs;
		this.queues = queues;
	}

	/**
	 * Reads the named attributes of a queue.
	 * @param queue the queue's name or URL
	 * @return the attributes SQS returned, by name
	 */
	public CompletableFuture<Map<QueueAttributeName, String>> read(String queue, QueueAttributeName... names) {
		return this.sqs.getQueueAttributes((request) -> request.queueUrl(this.queues.of(queue)).attributeNames(names))
			.thenApply(GetQueueAttributesResponse::attributes);
	}

}
