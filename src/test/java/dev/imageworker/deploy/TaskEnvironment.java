package dev.imageworker.deploy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import dev.imageworker.scaling.ScalingProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Whether a container's environment variables bind to properties the worker reads:
 * {@link PropertyEnvironmentVariables} for {@code image-worker.*} and the libraries'
 * properties, and a real bind for {@code image-worker.scaling.*}, whose record the build
 * describes in no configuration metadata.
 */
final class TaskEnvironment {

	private static final String SCALING = "IMAGE_WORKER_SCALING_";

	private TaskEnvironment() {
	}

	/** The names that bind to nothing. */
	static List<String> unknown(Collection<String> names) {
		List<String> unknown = new ArrayList<>();
		ScalingProperties defaults = scaling(Map.of());
		for (String name : new PropertyEnvironmentVariables().unknown(names)) {
			// A name that binds changes the record for some value, or fails on a wrong
			// type.
			boolean binds = name.startsWith(SCALING) && Stream.of("true", "7", "7s")
				.anyMatch((value) -> !Objects.equals(scaling(Map.of(name, value)), defaults));
			if (!binds) {
				unknown.add(name);
			}
		}
		return unknown;
	}

	static ScalingProperties scaling(Map<String, String> environment) {
		MutablePropertySources sources = new MutablePropertySources();
		sources.addFirst(new SystemEnvironmentPropertySource(
				StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(environment)));
		try {
			return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate("image-worker.scaling",
					ScalingProperties.class);
		}
		catch (RuntimeException ex) {
			// A value of the wrong type for the property the name binds to.
			return null;
		}
	}

}
