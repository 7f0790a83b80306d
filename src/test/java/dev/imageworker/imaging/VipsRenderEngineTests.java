package dev.imageworker.imaging;

import org.junit.jupiter.api.BeforeAll;

/** The rules, for the libvips engine; skipped with a message where libvips is absent. */
class VipsRenderEngineTests extends AbstractRenderEngineTests {

	private static RenderEngine engine;

	@BeforeAll
	static void loadLibvips() {
		engine = LibvipsEngine.orSkip("vips engine rule tests");
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
