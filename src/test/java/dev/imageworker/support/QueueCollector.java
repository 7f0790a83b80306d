package dev.imageworker.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Drains a queue into memory, so tests sharing it can each look for their own messages
 * without taking each other's.
 */
public final class QueueCollector {

	private final SqsClient sqs;

	private final String queueUrl;

	private final List<Message> received = new ArrayList<>();

	public QueueCollector(SqsClient sqs, String queueUrl) {
		this.sqs = sqs;
		this.queueUrl = queueUrl;
	}

	/**
	 * Collects what a topic publishes: a queue of the name, subscribed with raw delivery,
	 * so each message body is the event itself.
	 */
	public static QueueCollector subscribedTo(SqsClient sqs, SnsClient sns, String topic, String queue) {
		String url = sqs.createQueue((request) -> request.queueName(queue)).queueUrl();
		String arn = sqs
			.getQueueAttributes((request) -> request.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
			.attributes()
			.get(QueueAttributeName.QUEUE_ARN);
		String topicArn = sns.createTopic((request) -> request.name(topic)).topicArn();
		sns.subscribe((request) -> request.topicArn(topicArn)
			.protocol("sqs")
			.endpoint(arn)
			.attributes(Map.of("RawMessageDelivery", "true")));
		return new QueueCollector(sqs, url);
	}

	/**
	 * Every message received so far that matches, after draining what is waiting. Short
	 * polls: the local AWS answers one with every visible message, and callers that wait
	 * for a message poll again (Awaitility) rather than hold a long poll each time.
	 */
	public synchronized List<Message> matching(Predicate<Message> predicate) {
		List<Message> batch;
		do {
			batch = this.sqs
				.receiveMessage((request) -> request.queueUrl(this.queueUrl)
					.maxNumberOfMessages(10)
					.waitTimeSeconds(0)
					.messageAttributeNames("All"))
				.messages();
			for (Message message : batch) {
				this.received.add(message);
				this.sqs
					.deleteMessage((request) -> request.queueUrl(this.queueUrl).receiptHandle(message.receiptHandle()));
			}
		}
		while (!batch.isEmpty());
		return this.received.stream().filter(predicate).toList();
	}

	public List<Message> all() {
		return matching((message) -> true);
	}

	public static Predicate<Message> attribute(String name, String value) {
		return (message) -> message.messageAttributes().containsKey(name)
				&& value.equals(message.messageAttributes().get(name).stringValue());
	}

}
