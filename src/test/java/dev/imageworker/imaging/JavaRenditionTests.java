package dev.imageworker.imaging;

import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The renditions for the Java engine, which writes JPEG and PNG and crops covers from the
 * centre: a spec asking for more names what needs libvips.
 */
class JavaRenditionTests extends AbstractRenditionTests {

	private static final RenderEngine ENGINE = new JavaRenderEngine(ObservationRegistry.NOOP);

	@Override
	protected RenderEngine engine() {
		return ENGINE;
	}

	@Test
	void servesJpegPngAndCentreCovers() {
		assertThat(ENGINE.unsupported(spec("thumb", "256", "a.width", "64", "a.height", "64", "a.fit", "cover",
				"a.formats", "png,jpeg", "h.widths", "320,640")))
			.isEmpty();
	}

	@Test
	void namesEachVariantItCannotRenderAndWhatItNeeds() {
		assertThat(ENGINE.unsupported(spec("thumb", "256", "avatar.width", "128", "avatar.height", "128", "avatar.fit",
				"cover", "avatar.crop", "attention", "avatar.formats", "webp", "hero.widths", "320,640", "hero.formats",
				"avif,jpeg")))
			.containsExactly("image-worker.variants.avatar: crop attention and webp output needs the libvips engine",
					"image-worker.variants.hero: avif output needs the libvips engine");
	}

}
