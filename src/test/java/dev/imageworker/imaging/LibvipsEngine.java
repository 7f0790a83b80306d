package dev.imageworker.imaging;

import dev.imageworker.imaging.vips.VipsRenderEngine;
import io.micrometer.observation.ObservationRegistry;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The libvips engine for a test class, or the class skipped with why where it is absent.
 */
final class LibvipsEngine {

	private LibvipsEngine() {
	}

	static RenderEngine orSkip(String tests) {
		try {
			return new VipsRenderEngine(ObservationRegistry.NOOP);
		}
		catch (IllegalStateException ex) {
			assumeThat(ex.getMessage()).as("libvips42 is not installed, %s skipped", tests).isNull();
			throw ex;
		}
	}

}
