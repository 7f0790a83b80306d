package dev.imageworker.pipeline;

import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties.Engine;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.TestProperties;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The engine switch picks the engine asked for, and auto falls back to Java. */
class RenderEngineConfigurationTests {

	private static final RenderSpec DEFAULTS = RenderSpec.from(TestProperties.bind(Map.of()));

	@Test
	void javaIsAlwaysTheJavaEngine() {
		assertThat(RenderEngineConfiguration.select(Engine.JAVA, DEFAULTS, ObservationRegistry.NOOP))
			.isInstanceOf(JavaRenderEngine.class);
	}

	@Test
	void autoPrefersLibvipsWhenItLoads() {
		RenderEngine auto = RenderEngineConfiguration.select(Engine.AUTO, DEFAULTS, ObservationRegistry.NOOP);
		if (libvipsLoads()) {
			assertThat(auto).isInstanceOf(VipsRenderEngine.class);
			assertThat(RenderEngineConfiguration.select(Engine.VIPS, DEFAULTS, ObservationRegistry.NOOP).name())
				.isEqualTo("vips");
		}
		else {
			assertThat(auto).isInstanceOf(JavaRenderEngine.class);
			assertThatIllegalStateException()
				.isThrownBy(() -> RenderEngineConfiguration.select(Engine.VIPS, DEFAULTS, ObservationRegistry.NOOP));
		}
	}

	/** Never a silent JPEG instead of what is configured. */
	@Test
	void anEngineThatCannotRenderTheVariantsStopsTheWorkerNamingThem() {
		RenderSpec example = RenderSpec.from(TestProperties
			.bind(Map.of("variants.thumb", "256", "variants.avatar.width", "128", "variants.avatar.height", "128",
					"variants.avatar.fit", "cover", "variants.avatar.crop", "attention", "variants.avatar.formats",
					"webp", "variants.hero.widths", "320,640", "variants.hero.formats", "avif,jpeg")));
		assertThatIllegalStateException()
			.isThrownBy(() -> RenderEngineConfiguration.select(Engine.JAVA, example, ObservationRegistry.NOOP))
			.withMessageContaining("The java engine cannot render the configured variants")
			.withMessageContaining(
					"image-worker.variants.avatar: crop attention and webp output needs the libvips engine")
			.withMessageContaining("image-worker.variants.hero: avif output needs the libvips engine")
			.withMessageNotContaining("thumb");
		if (libvipsLoads()) {
			assertThat(RenderEngineConfiguration.select(Engine.AUTO, example, ObservationRegistry.NOOP).name())
				.isEqualTo("vips");
		}
		assertThatIllegalStateException()
			.isThrownBy(() -> RenderEngineConfiguration.select(Engine.AUTO, example, () -> {
				throw new IllegalStateException("libvips.so.42 cannot be loaded");
			}, new JavaRenderEngine(ObservationRegistry.NOOP)))
			.withMessageContaining("image-worker.engine=auto fell back to it: libvips.so.42 cannot be loaded")
			.withMessageContaining("image-worker.variants.avatar");
	}

	private static boolean libvipsLoads() {
		try {
			new VipsRenderEngine(ObservationRegistry.NOOP);
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

}
