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
