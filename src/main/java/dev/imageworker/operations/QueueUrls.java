package dev.imageworker.operations;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.stereotype.Component;

/**
 * Queue URLs for the names or URLs the properties give, looked up once each; a failed
 * lookup (during an outage) is tried again next time.
 */
@Component
class QueueUrls {

	private final SqsAsyncClient sqs;

	private final Map<String, String> urls = new ConcurrentHashMap<>();

	QueueUrls(SqsAsyncClient sqs) {
		this.sqs = sqs;
	}

	String of(String queue) {
		if (queue.startsWith("https://") || queue.startsWith("http://")) {
			return queue;
		}
		return this.urls.computeIfAbsent(queue,
				(name) -> this.sqs.getQueueUrl((request) -> request.queueName(name)).join().queueUrl());
	}

}
