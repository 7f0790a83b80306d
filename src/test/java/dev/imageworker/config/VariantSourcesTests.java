package dev.imageworker.config;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A variant given the short form in one source and spec keys in another stops the worker
 * naming both, where Spring's binder would keep the short form and drop the keys.
 */
class VariantSourcesTests {

	@Test
	void aShortFormInOneSourceAndSpecKeysInAnotherStopTheWorkerNamingBoth() {
		Iterable<ConfigurationPropertySource> sources = sources(
				new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("IMAGE_WORKER_VARIANTS_THUMB_FORMATS", "webp")),
				new MapPropertySource("application.yml", Map.of("image-worker.variants.thumb", 256)));
		assertThatIllegalStateException().isThrownBy(() -> VariantSources.check(sources, Set.of("thumb")))
			.withMessageContaining("image-worker.variants.thumb")
			.withMessageContaining("application.yml")
			.withMessageContaining("systemEnvironment");
	}

	@Test
	void bothFormsInOneSourceStopTheWorkerToo() {
		Iterable<ConfigurationPropertySource> sources = sources(new SystemEnvironmentPropertySource("systemEnvironment",
				Map.of("IMAGE_WORKER_VARIANTS_HERO", "640", "IMAGE_WORKER_VARIANTS_HERO_FORMATS", "avif,webp")));
		assertThatIllegalStateException().isThrownBy(() -> VariantSources.check(sources, Set.of("hero")))
			.withMessageContaining("image-worker.variants.hero");
	}

	@Test
	void specKeysFromSeveralSourcesMergeAndShortFormsStandAlone() {
		Iterable<ConfigurationPropertySource> sources = sources(
				new SystemEnvironmentPropertySource("systemEnvironment",
						Map.of("IMAGE_WORKER_VARIANTS_HERO_FORMATS", "avif,webp", "IMAGE_WORKER_VARIANTS_THUMB",
								"200")),
				new MapPropertySource("application.yml",
						Map.of("image-worker.variants.hero.widths", "320,640", "image-worker.variants.thumb", 256)));
		assertThatNoException().isThrownBy(() -> VariantSources.check(sources, Set.of("hero", "thumb")));
	}

	private static Iterable<ConfigurationPropertySource> sources(PropertySource<?>... propertySources) {
		MutablePropertySources all = new MutablePropertySources();
		for (PropertySource<?> source : propertySources) {
			all.addLast(source);
		}
		return ConfigurationPropertySources.from(all);
	}

}
