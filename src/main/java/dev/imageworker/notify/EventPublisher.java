package dev.imageworker.notify;

import java.util.Map;
import java.util.function.Supplier;

import dev.imageworker.config.ImageWorkerProperties;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Publishes {@link ImageEvent}s, with a {@code status} attribute subscribers can filter
 * on.
 */
@Component
public class EventPublisher {

	private final SnsClient sns;

	private final ObjectMapper json;

	private final Supplier<String> topicArn;

	public EventPublisher(SnsClient sns, ObjectMapper json, ImageWorkerProperties properties) {
		this.sns = sns;
		this.json = json;
		String topic = properties.topic();
		// CreateTopic is idempotent and returns an existing topic's ARN: the cheapest
		// lookup by name. Configurations that name the ARN skip it.
		this.topicArn = SingletonSupplier
			.of(() -> topic.startsWith("arn:") ? topic : sns.createTopic((request) -> request.name(topic)).topicArn());
	}

	/** The topic's ARN, resolved on first use when the properties give its name. */
	public String topicArn() {
		return this.topicArn.get();
	}

	public void publish(ImageEvent event) {
		this.sns.publish((request) -> request.topicArn(this.topicArn.get())
			.message(this.json.writeValueAsString(event))
			.messageAttributes(Map.of("status",
					MessageAttributeValue.builder().dataType("String").stringValue(event.status().name()).build())));
	}

}
