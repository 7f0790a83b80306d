package dev.imageworker.support;

import java.util.List;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.config.VariantSpecConverters;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;

/**
 * Binds {@code image-worker.*} the way the application does, defaults included, so tests
 * that need properties outside a Spring context do not repeat the record's constructor.
 */
public final class TestProperties {

	private TestProperties() {
	}

	/**
	 * @param values property names without the {@code image-worker.} prefix
	 */
	public static ImageWorkerProperties bind(Map<String, String> values) {
		MapConfigurationPropertySource source = new MapConfigurationPropertySource();
		values.forEach((name, value) -> source.put("image-worker." + name, value));
		ApplicationConversionService conversions = new ApplicationConversionService();
		VariantSpecConverters.register(conversions);
		return new Binder(List.of(source), null, conversions).bindOrCreate("image-worker", ImageWorkerProperties.class);
	}

}
