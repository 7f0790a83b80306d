package dev.imageworker.imaging;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The rendering of one variant as an observation ({@code imageworker.render.variant}): a
 * span of the image's trace where tracing is on, a timer tagged with engine and variant.
 */
public final class VariantObservation {

	private VariantObservation() {
	}

	/**
	 * Starts observing one rendition (its resize and every format's encode); the caller
	 * stops it, with the error if any.
	 */
	public static Observation start(ObservationRegistry registry, String engine, Rendition rendition) {
		return Observation.createNotStarted("imageworker.render.variant", registry)
			.contextualName("render " + rendition.name())
			.lowCardinalityKeyValue("engine", engine)
			.lowCardinalityKeyValue("variant", rendition.name())
			.start();
	}

}
