package dev.imageworker.notify;

import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import io.awspring.cloud.sns.core.CachingTopicArnResolver;
import io.awspring.cloud.sns.core.DefaultTopicArnResolver;
import io.awspring.cloud.sns.core.SnsTemplate;
import io.awspring.cloud.sns.core.TopicArnResolver;
import software.amazon.awssdk.services.sns.SnsClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * Publishes {@link ImageEvent}s as JSON through Spring Cloud AWS's {@link SnsTemplate},
 * with a {@code status} attribute subscribers can filter on.
 */
@Component
public class EventPublisher {

	private final SnsTemplate sns;

	private final String topic;

	public EventPublisher(SnsTemplate sns, ImageWorkerProperties properties) {
		this.sns = sns;
		this.topic = properties.topic();
	}

	public void publish(ImageEvent event) {
		this.sns.convertAndSend(this.topic, event, Map.of("status", event.status().name()));
	}

	/**
	 * The resolver the template and the SNS probe share: an ARN as it is, a name through
	 * the idempotent CreateTopic, once.
	 */
	@Configuration(proxyBeanMethods = false)
	static class TopicConfiguration {

		@Bean
		TopicArnResolver topicArnResolver(SnsClient sns) {
			return new CachingTopicArnResolver(new DefaultTopicArnResolver(sns));
		}

	}

}
