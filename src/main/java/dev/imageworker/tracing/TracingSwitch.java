package dev.imageworker.tracing;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns tracing on exactly when spans have somewhere to go: an OTLP endpoint
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint}). Spans nobody collects
 * would cost CPU on every image for nothing. {@code management.tracing.enabled}, set
 * anywhere, still decides.
 */
public class TracingSwitch implements EnvironmentPostProcessor {

	static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	static final String ENABLED = "management.tracing.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String endpoint = environment.getProperty(ENDPOINT);
		boolean configured = endpoint != null && !endpoint.isBlank();
		// Last, so any property source that sets it wins.
		environment.getPropertySources()
			.addLast(new MapPropertySource("imageWorkerTracingSwitch", Map.of(ENABLED, Boolean.toString(configured))));
	}

}
