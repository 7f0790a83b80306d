package dev.imageworker.pipeline;

import dev.imageworker.config.ImageWorkerProperties.Engine;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The engine switch picks the engine asked for, and auto falls back to Java. */
class RenderEngineConfigurationTests {

	@Test
	void javaIsAlwaysTheJavaEngine() {
		assertThat(RenderEngineConfiguration.select(Engine.JAVA, ObservationRegistry.NOOP))
			.isInstanceOf(JavaRenderEngine.class);
	}

	@Test
	void autoPrefersLibvipsWhenItLoads() {
		RenderEngine auto = RenderEngineConfiguration.select(Engine.AUTO, ObservationRegistry.NOOP);
		if (libvipsLoads()) {
			assertThat(auto).isInstanceOf(VipsRenderEngine.class);
			assertThat(RenderEngineConfiguration.select(Engine.VIPS, ObservationRegistry.NOOP).name())
				.isEqualTo("vips");
		}
		else {
			assertThat(auto).isInstanceOf(JavaRenderEngine.class);
			assertThatIllegalStateException()
				.isThrownBy(() -> RenderEngineConfiguration.select(Engine.VIPS, ObservationRegistry.NOOP));
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
