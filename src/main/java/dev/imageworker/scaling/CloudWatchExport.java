package dev.imageworker.scaling;

import java.util.Set;

import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * CloudWatch gets only the meters the stack's dashboard, alarms and scaling read: each
 * metric it stores is billed every month, and the JVM, Tomcat and executor meters (some
 * hundred) would cost more than the worker's own. They stay on the Prometheus scrape,
 * which this filter does not touch.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(CloudWatchMeterRegistry.class)
public class CloudWatchExport {

	/**
	 * The meters sent to CloudWatch; the high-resolution backlog metric is sent apart
	 * from Micrometer ({@link BacklogMetric}).
	 */
	public static final Set<String> METERS = Set.of("imageworker.images", "imageworker.messages", "imageworker.render",
			"imageworker.job", "imageworker.image.cpu");

	/** The high-resolution backlog metric's name. */
	public static final String BACKLOG_METRIC = BacklogMetric.NAME;

	static MeterFilter dashboardMetersOnly() {
		return MeterFilter.denyUnless((id) -> METERS.contains(id.getName()));
	}

	@Bean
	MeterRegistryCustomizer<CloudWatchMeterRegistry> cloudWatchDashboardMetersOnly() {
		return (registry) -> registry.config().meterFilter(dashboardMetersOnly());
	}

}
