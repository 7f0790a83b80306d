package dev.imageworker.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.stereotype.Component;

/**
 * Checks where the variants came from, and logs the set in effect. Map entries merge
 * across property sources, and where one source gives a variant the short form and
 * another gives it spec keys, Spring's binder keeps the short form and drops the keys
 * without a word: such a variant stops the worker instead, naming both.
 */
@Component
public class VariantSources {

	private static final Logger log = LoggerFactory.getLogger(VariantSources.class);

	private static final String PREFIX = "image-worker.variants.";

	VariantSources(ConfigurableEnvironment environment, ImageWorkerProperties properties) {
		check(ConfigurationPropertySources.get(environment), properties.variants().keySet());
		log.info("Rendering variants {}", properties.variantsSpec());
	}

	/**
	 * @throws IllegalStateException naming the variant and the sources that disagree
	 */
	static void check(Iterable<ConfigurationPropertySource> sources, Set<String> variants) {
		for (String variant : variants) {
			ConfigurationPropertyName name = ConfigurationPropertyName.of(PREFIX + variant);
			List<String> shortForms = new ArrayList<>();
			List<String> specs = new ArrayList<>();
			for (ConfigurationPropertySource source : sources) {
				ConfigurationProperty shortForm = source.getConfigurationProperty(name);
				if (shortForm != null) {
					shortForms.add(describe(source)
							+ ((shortForm.getOrigin() != null) ? " (" + shortForm.getOrigin() + ")" : ""));
				}
				if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
					specs.add(describe(source));
				}
			}
			if (!shortForms.isEmpty() && !specs.isEmpty()) {
				throw new IllegalStateException(PREFIX + variant + " is given as a longest side in "
						+ String.join(", ", shortForms) + " and as a spec in " + String.join(", ", specs)
						+ ": the spec's keys would be dropped; give the variant in one form");
			}
		}
	}

	private static String describe(ConfigurationPropertySource source) {
		Object underlying = source.getUnderlyingSource();
		return (underlying instanceof PropertySource<?> propertySource) ? propertySource.getName()
				: String.valueOf(underlying);
	}

}
