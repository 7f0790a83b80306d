package dev.imageworker.queue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.stereotype.Component;

/**
 * Queue URLs for the names or URLs the properties give, looked up once each; a failed
 * lookup (during an outage) is tried again next time.
 */
@Component
public class QueueUrls {

	private final SqsAsyncClient sqs;

	private final Map<String, String> urls = new ConcurrentHashMap<>();

	public QueueUrls(SqsAsyncClient sqs) {
		this.sqs = sqs;
	}

	public String of(String queue) {
		if (isUrl(queue)) {
			return queue;
		}
		return this.urls.computeIfAbsent(queue,
				(name) -> this.sqs.getQueueUrl((request) -> request.queueName(name)).join().queueUrl());
	}

	/** The queue's name, from a name or a URL. */
	public static String name(String queue) {
		return isUrl(queue) ? queue.substring(queue.lastIndexOf('/') + 1) : queue;
	}

	private static boolean isUrl(String queue) {
		return queue.startsWith("https://") || queue.startsWith("http://");
	}

}
