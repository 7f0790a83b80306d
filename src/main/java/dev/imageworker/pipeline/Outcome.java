package dev.imageworker.pipeline;

import java.util.Locale;

/** How an image that did not fail ended, as the {@code outcome} tag of the metrics. */
enum Outcome {

	/** Rendered, recorded and announced now. */
	COMPLETED,

	/** Found completed for the same version: nothing rendered. */
	DUPLICATE,

	/** A newer version of the source holds the item: nothing of this one is kept. */
	SUPERSEDED;

	String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
