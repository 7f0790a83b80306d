package dev.imageworker.queue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.imageworker.config.ImageWorkerProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * The queue's own visibility timeout and redrive {@code maxReceiveCount}, read from SQS
 * at start: they decide when a message comes back and when the queue moves it to the
 * dead-letter queue, whatever the properties say. The properties stand in until the queue
 * can be read, which is tried again at most every {@value #RETRY_SECONDS} s.
 */
@Component
public class QueueSettings implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(QueueSettings.class);

	private static final int RETRY_SECONDS = 30;

	private final QueueAttributes attributes;

	private final ObjectMapper json;

	private final String queue;

	private final Settings configured;

	private final AtomicLong lastAttempt = new AtomicLong(System.nanoTime() - Duration.ofDays(1).toNanos());

	private volatile @Nullable Settings read;

	public QueueSettings(QueueAttributes attributes, ObjectMapper json, ImageWorkerProperties properties) {
		this.attributes = attributes;
		this.json = json;
		this.queue = properties.queue();
		this.configured = new Settings(properties.processing().visibilityTimeout(),
				properties.processing().maxReceiveCount());
	}

	@Override
	public void afterSingletonsInstantiated() {
		current();
	}

	/** How long a received message stays hidden unless its visibility is changed. */
	public Duration visibilityTimeout() {
		return current().visibilityTimeout();
	}

	/** Receives after which the queue moves a message to its dead-letter queue. */
	public int maxReceiveCount() {
		return current().maxReceiveCount();
	}

	private Settings current() {
		Settings settings = this.read;
		if (settings != null) {
			return settings;
		}
		long last = this.lastAttempt.get();
		if (System.nanoTime() - last < Duration.ofSeconds(RETRY_SECONDS).toNanos()
				|| !this.lastAttempt.compareAndSet(last, System.nanoTime())) {
			return this.configured;
		}
		try {
			settings = fetch();
		}
		catch (RuntimeException ex) {
			log.warn("Could not read the settings of queue {}, using the configured ones until it can be read: {}",
					this.queue, ex.toString());
			return this.configured;
		}
		this.read = settings;
		if (!settings.equals(this.configured)) {
			log.warn(
					"Queue {} has visibility timeout {} s and maxReceiveCount {}, the properties say {} s and {}: "
							+ "using the queue's (image-worker.processing.visibility-timeout, .max-receive-count)",
					this.queue, settings.visibilityTimeout().toSeconds(), settings.maxReceiveCount(),
					this.configured.visibilityTimeout().toSeconds(), this.configured.maxReceiveCount());
		}
		return settings;
	}

	private Settings fetch() {
		Map<QueueAttributeName, String> values = this.attributes
			.read(this.queue, QueueAttributeName.VISIBILITY_TIMEOUT, QueueAttributeName.REDRIVE_POLICY)
			.join();
		Duration visibility = Duration.ofSeconds(Long.parseLong(values.get(QueueAttributeName.VISIBILITY_TIMEOUT)));
		String redrive = values.get(QueueAttributeName.REDRIVE_POLICY);
		if (redrive == null) {
			log.warn("Queue {} has no redrive policy: a message that keeps failing transiently is dead-lettered "
					+ "by the worker alone, after {} receives", this.queue, this.configured.maxReceiveCount());
			return new Settings(visibility, this.configured.maxReceiveCount());
		}
		JsonNode count = this.json.readTree(redrive).path("maxReceiveCount");
		return new Settings(visibility, count.isNumber() ? count.intValue() : Integer.parseInt(count.asString()));
	}

	private record Settings(Duration visibilityTimeout, int maxReceiveCount) {
	}

}
