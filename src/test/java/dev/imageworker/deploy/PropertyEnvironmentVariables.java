package dev.imageworker.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.imageworker.config.ImageWorkerProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * Environment variable names that Spring Boot's relaxed binding maps to a real property:
 * {@code IMAGE_WORKER_*} from the components of {@link ImageWorkerProperties}, everything
 * else from the configuration metadata of the jars on the classpath. Binding accepts a
 * name with every dash dropped or with every dash as an underscore, not a mix: the
 * {@code image-worker} prefix makes the second form the one to use.
 */
final class PropertyEnvironmentVariables {

	private static final String PREFIX = "IMAGE_WORKER";

	private final Set<String> exact = new HashSet<>();

	/** Map-valued properties: any key below them binds. */
	private final Set<String> prefixes = new HashSet<>();

	PropertyEnvironmentVariables() {
		// Not a property but a property source of its own: Spring Boot reads the JSON in
		// it
		// before the environment's other variables.
		this.exact.add("SPRING_APPLICATION_JSON");
		addRecord(PREFIX, ImageWorkerProperties.class);
		for (String property : metadataPropertyNames()) {
			this.exact.add(property.replace("-", "").replace('.', '_').toUpperCase(Locale.ROOT));
			this.exact.add(property.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT));
		}
	}

	/** The given names that bind to no property. */
	List<String> unknown(Collection<String> names) {
		List<String> unknown = new ArrayList<>();
		for (String name : names) {
			boolean known = this.exact.contains(name)
					|| this.prefixes.stream().anyMatch((prefix) -> name.startsWith(prefix + "_"));
			if (!known) {
				unknown.add(name);
			}
		}
		return unknown;
	}

	private void addRecord(String prefix, Class<?> type) {
		for (RecordComponent component : type.getRecordComponents()) {
			String name = prefix + "_"
					+ component.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
			if (component.getType().isRecord()) {
				addRecord(name, component.getType());
			}
			else if (Map.class.isAssignableFrom(component.getType())) {
				this.prefixes.add(name);
			}
			else {
				this.exact.add(name);
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Set<String> metadataPropertyNames() {
		JsonMapper json = JsonMapper.builder().build();
		Set<String> names = new HashSet<>();
		try {
			for (URL url : Collections.list(PropertyEnvironmentVariables.class.getClassLoader()
				.getResources("META-INF/spring-configuration-metadata.json"))) {
				try (InputStream in = url.openStream()) {
					Map<String, Object> metadata = json.readValue(in, Map.class);
					for (Map<String, Object> property : (List<Map<String, Object>>) metadata.getOrDefault("properties",
							List.of())) {
						names.add((String) property.get("name"));
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

}
