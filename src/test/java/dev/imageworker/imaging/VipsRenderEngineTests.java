package dev.imageworker.imaging;

import dev.imageworker.imaging.vips.VipsRenderEngine;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeAll;

import static org.assertj.core.api.Assumptions.assumeThat;

/** The rules, for the libvips engine; skipped with a message where libvips is absent. */
class VipsRenderEngineTests extends AbstractRenderEngineTests {

	private static RenderEngine engine;

	@BeforeAll
	static void loadLibvips() {
		String problem = null;
		try {
			engine = new VipsRenderEngine(ObservationRegistry.NOOP);
		}
		catch (IllegalStateException ex) {
			problem = ex.getMessage();
		}
		assumeThat(problem).as("libvips42 is not installed, vips engine rule tests skipped: %s", problem).isNull();
	}

	@Override
	protected RenderEngine engine() {
		return engine;
	}

	@Override
	protected boolean mayReadHeif() {
		return true;
	}

}
