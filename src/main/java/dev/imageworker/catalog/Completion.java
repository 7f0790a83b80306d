package dev.imageworker.catalog;

import java.util.List;

import dev.imageworker.core.StoredVariant;

/** The outcome of recording a rendering as the image's result. */
public sealed interface Completion {

	/**
	 * The item is COMPLETED with this rendering.
	 *
	 * @param replaced the variants of the version it replaces whose objects no longer
	 * belong to the item
	 */
	record Recorded(List<StoredVariant> replaced) implements Completion {
	}

	/** Another delivery completed this very version meanwhile. */
	record AlreadyCompleted() implements Completion {
	}

	/**
	 * A newer version of the source claimed the item meanwhile: the objects just written
	 * belong to nobody.
	 */
	record Superseded() implements Completion {
	}

}
