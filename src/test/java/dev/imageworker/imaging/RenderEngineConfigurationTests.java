package dev.imageworker.imaging;

import dev.imageworker.config.ImageWorkerProperties.Engine;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The engine switch picks the engine asked for, and auto falls back to Java. */
class RenderEngineConfigurationTests {

	@Test
	void javaIsAlwaysTheJavaEngine() {
		assertThat(RenderEngineConfiguration.select(Engine.JAVA)).isInstanceOf(JavaRenderEngine.class);
	}

	@Test
	void autoPrefersLibvipsWhenItLoads() {
		RenderEngine auto = RenderEngineConfiguration.select(Engine.AUTO);
		if (libvipsLoads()) {
			assertThat(auto).isInstanceOf(VipsRenderEngine.class);
			assertThat(RenderEngineConfiguration.select(Engine.VIPS).name()).isEqualTo("vips");
		}
		else {
			assertThat(auto).isInstanceOf(JavaRenderEngine.class);
			assertThatIllegalStateException().isThrownBy(() -> RenderEngineConfiguration.select(Engine.VIPS));
		}
	}

	private static boolean libvipsLoads() {
		try {
			new VipsRenderEngine();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

}
