package dev.imageworker.config;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Lets the environment give variants the way it gives every other property,
 * {@code IMAGE_WORKER_VARIANTS_HERO_WIDTHS=320,640}. Spring's binder finds the entries of
 * a map among environment variables only in the form without the prefix's dash
 * ({@code IMAGEWORKER_VARIANTS_...}) and passes over this one without a word; so each
 * such variable is given as its property, just before the environment. Variant names are
 * lower-case letters and digits, so the variable names each variant and key
 * unambiguously.
 */
public class VariantEnvironment implements EnvironmentPostProcessor {

	static final String SOURCE = "imageWorkerVariantsFromEnvironment";

	private static final Pattern VARIABLE = Pattern.compile("IMAGE_WORKER_VARIANTS_([A-Za-z0-9]+)(?:_([A-Za-z]+))?");

	/** The keys of a spec: {@link VariantSpec}'s components, each one lower-case word. */
	private static final Set<String> KEYS = Arrays.stream(VariantSpec.class.getRecordComponents())
		.map(RecordComponent::getName)
		.collect(Collectors.toUnmodifiableSet());

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		PropertySource<?> system = environment.getPropertySources()
			.get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		if (!(system instanceof EnumerablePropertySource<?> variables)) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		for (String variable : variables.getPropertyNames()) {
			Matcher matcher = VARIABLE.matcher(variable);
			if (!matcher.matches()) {
				continue;
			}
			String name = "image-worker.variants." + matcher.group(1).toLowerCase(Locale.ROOT);
			String key = matcher.group(2);
			if (key != null && !KEYS.contains(key.toLowerCase(Locale.ROOT))) {
				throw new IllegalStateException(variable + " names no key of a variant spec: " + key + " is not one of "
						+ KEYS.stream().sorted().toList());
			}
			Object value = variables.getProperty(variable);
			if (value != null) {
				properties.put((key != null) ? name + "." + key.toLowerCase(Locale.ROOT) : name, value);
			}
		}
		if (!properties.isEmpty()) {
			environment.getPropertySources()
				.addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new MapPropertySource(SOURCE, properties));
		}
	}

}
