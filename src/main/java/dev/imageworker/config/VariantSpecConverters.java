package dev.imageworker.config;

import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.convert.converter.ConverterRegistry;

/**
 * Binds the short form of a variant ({@code thumb: 256}) to a {@link VariantSpec}: YAML
 * gives an Integer, arguments and the environment give text.
 */
@Configuration(proxyBeanMethods = false)
public class VariantSpecConverters {

	@Bean
	@ConfigurationPropertiesBinding
	static SideToVariantSpec sideToVariantSpec() {
		return new SideToVariantSpec();
	}

	@Bean
	@ConfigurationPropertiesBinding
	static TextToVariantSpec textToVariantSpec() {
		return new TextToVariantSpec();
	}

	/** Adds both converters, for binders outside an application context. */
	public static void register(ConverterRegistry registry) {
		registry.addConverter(new SideToVariantSpec());
		registry.addConverter(new TextToVariantSpec());
	}

	static final class SideToVariantSpec implements Converter<Integer, VariantSpec> {

		@Override
		public VariantSpec convert(Integer side) {
			return VariantSpec.ofSize(side);
		}

	}

	static final class TextToVariantSpec implements Converter<String, VariantSpec> {

		@Override
		public VariantSpec convert(String text) {
			try {
				return VariantSpec.ofSize(Integer.parseInt(text.strip()));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(
						"'" + text + "' is neither a longest side in pixels nor a variant spec", ex);
			}
		}

	}

}
