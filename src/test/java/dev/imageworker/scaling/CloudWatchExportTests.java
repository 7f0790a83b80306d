package dev.imageworker.scaling;

import dev.imageworker.support.RecordingCloudWatch;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CloudWatch receives only the worker's dashboard meters; the Prometheus scrape keeps
 * every meter.
 */
class CloudWatchExportTests {

	private final ApplicationContextRunner context = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, PrometheusMetricsExportAutoConfiguration.class))
		.withUserConfiguration(CloudWatchRegistry.class, CloudWatchExport.class);

	@Test
	void cloudWatchGetsTheDashboardMetersAndPrometheusGetsEverything() {
		this.context.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			meters.counter("imageworker.images", "outcome", "completed", "code", "none").increment();
			meters.timer("imageworker.render", "engine", "vips");
			meters.counter("imageworker.messages", "disposition", "acknowledged");
			meters.timer("imageworker.job", "outcome", "completed");
			meters.gauge("imageworker.inflight", 1);
			meters.gauge("jvm.memory.used", 1);
			meters.counter("tomcat.sessions.created");

			CloudWatchMeterRegistry cloudWatch = context.getBean(CloudWatchMeterRegistry.class);
			assertThat(cloudWatch.getMeters()).extracting((meter) -> meter.getId().getName())
				.containsExactlyInAnyOrder("imageworker.images", "imageworker.render", "imageworker.messages",
						"imageworker.job");
			assertThat(context.getBean(PrometheusMeterRegistry.class).getMeters())
				.extracting((meter) -> meter.getId().getName())
				.contains("imageworker.images", "imageworker.inflight", "jvm.memory.used", "tomcat.sessions.created");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class CloudWatchRegistry {

		@Bean
		CloudWatchMeterRegistry cloudWatchMeterRegistry() {
			CloudWatchConfig config = (key) -> key.equals("cloudwatch.namespace") ? "ImageWorker"
					: key.equals("cloudwatch.enabled") ? "false" : null;
			return new CloudWatchMeterRegistry(config, Clock.SYSTEM, new RecordingCloudWatch());
		}

	}

}
