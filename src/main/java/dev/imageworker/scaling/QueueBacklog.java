package dev.imageworker.scaling;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import dev.imageworker.queue.QueueUrls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Gauges of the backlog the worker sees: visible and in-flight messages of its queue and
 * the depth of the dead-letter queue, refreshed by {@link #refresh()} on the schedule of
 * {@link BacklogSampler}. The age of the oldest message is not among the queue attributes
 * SQS returns; it is CloudWatch's {@code AWS/SQS ApproximateAgeOfOldestMessage}, which
 * the alarms use directly.
 */
public class QueueBacklog {

	private static final Logger log = LoggerFactory.getLogger(QueueBacklog.class);

	private final QueueAttributes attributes;

	private final List<Watched> watched;

	private final Watched queue;

	public QueueBacklog(QueueAttributes attributes, ImageWorkerProperties properties, MeterRegistry registry) {
		this.attributes = attributes;
		Watched queue = new Watched(properties.queue());
		this.queue = queue;
		Watched deadLetters = new Watched(properties.deadLetterQueue());
		this.watched = List.of(queue, deadLetters);
		gauge(registry, "imageworker.queue.messages", queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
				Tags.of("state", "visible"), "Messages waiting in the queue");
		gauge(registry, "imageworker.queue.messages", queue,
				QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, Tags.of("state", "in-flight"),
				"Messages received by some worker and not yet deleted");
		gauge(registry, "imageworker.dlq.messages", deadLetters, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
				Tags.empty(), "Messages in the dead-letter queue; anything above 0 needs a look");
	}

	/**
	 * Reads the attributes of both queues once. A failed read leaves the previous values,
	 * so one throttled call does not make the backlog look empty.
	 */
	public void refresh() {
		for (Watched queue : this.watched) {
			try {
				queue.attributes.set(
						this.attributes
							.read(queue.queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
									QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
							.join());
			}
			catch (CompletionException | SdkException ex) {
				log.warn("Could not read the backlog of queue {}", queue.name, ex);
			}
		}
	}

	/**
	 * Visible plus in-flight messages of the queue at the last read, as KEDA's
	 * {@code aws-sqs-queue} scaler and the stack's backlog policy count them; NaN until
	 * read.
	 */
	double backlog() {
		return this.queue.value(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)
				+ this.queue.value(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
	}

	/** The queue's name, whether the properties give a name or a URL. */
	String queueName() {
		return this.queue.name;
	}

	private static void gauge(MeterRegistry registry, String name, Watched queue, QueueAttributeName attribute,
			Tags tags, String description) {
		Gauge.Builder<Watched> builder = Gauge.builder(name, queue, (watched) -> watched.value(attribute))
			.description(description)
			.tag("queue", queue.name)
			.tags(tags);
		builder.register(registry);
	}

	/** A queue by its configured name or URL, with the attributes last read. */
	private static final class Watched {

		private final String queue;

		private final String name;

		private final AtomicReference<Map<QueueAttributeName, String>> attributes = new AtomicReference<>(Map.of());

		Watched(String queue) {
			this.queue = queue;
			this.name = QueueUrls.name(queue);
		}

		/** NaN until read, so dashboards show a gap rather than a false 0. */
		double value(QueueAttributeName attribute) {
			String value = this.attributes.get().get(attribute);
			return (value != null) ? Double.parseDouble(value) : Double.NaN;
		}

	}

}
