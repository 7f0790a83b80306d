package dev.imageworker.scaling;

import java.time.Clock;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Publishes the queue backlog as meters, polled on a schedule, and as the high-resolution
 * CloudWatch metric when that is on. Every worker polls: GetQueueAttributes is cheap and
 * the values are approximate anyway, so no coordination is worth having.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ScalingMetricsConfiguration {

	private static final Logger log = LoggerFactory.getLogger(ScalingMetricsConfiguration.class);

	@Bean
	QueueBacklog queueBacklog(QueueAttributes attributes, ImageWorkerProperties properties, MeterRegistry registry) {
		return new QueueBacklog(attributes, properties, registry);
	}

	@Bean
	BacklogSampler backlogSampler(QueueBacklog backlog, ScalingProperties properties,
			ObjectProvider<CloudWatchAsyncClient> cloudWatch, ObjectProvider<CloudWatchConfig> export) {
		BacklogMetric metric = null;
		ScalingProperties.BacklogMetric settings = properties.backlogMetric();
		if (settings.enabled()) {
			CloudWatchConfig config = export.getIfAvailable();
			CloudWatchAsyncClient client = cloudWatch.getIfAvailable();
			if (config != null && config.enabled() && client != null) {
				metric = new BacklogMetric(client, config.namespace(), backlog.queueName(), settings.threshold(),
						properties.backlogInterval(), Clock.systemUTC());
				log.info("Publishing the backlog of queue {} to CloudWatch {} every {} from {} messages",
						backlog.queueName(), config.namespace(), properties.backlogInterval(), settings.threshold());
			}
			else {
				log.warn("image-worker.scaling.backlog-metric.enabled is set, but CloudWatch export is off "
						+ "(management.cloudwatch.metrics.export.namespace): no backlog metric is published");
			}
		}
		return new BacklogSampler(backlog, metric, properties.backlogInterval(), Clock.systemUTC());
	}

}
