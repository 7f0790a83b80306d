package dev.imageworker.imaging;

/** The rules, for the pure-Java engine. */
class JavaRenderEngineTests extends AbstractRenderEngineTests {

	private final RenderEngine engine = new JavaRenderEngine();

	@Override
	protected RenderEngine engine() {
		return this.engine;
	}

}
