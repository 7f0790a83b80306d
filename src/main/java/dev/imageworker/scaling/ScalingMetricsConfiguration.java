package dev.imageworker.scaling;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueUrls;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Publishes the queue backlog as meters, polled on a schedule. Every worker polls:
 * GetQueueAttributes is cheap and the values are approximate anyway, so no coordination
 * is worth having.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ScalingMetricsConfiguration {

	@Bean
	QueueBacklog queueBacklog(SqsAsyncClient sqs, QueueUrls queues, ImageWorkerProperties properties,
			MeterRegistry registry) {
		return new QueueBacklog(sqs, queues, properties, registry);
	}

}
