package dev.imageworker.catalog;

import org.jspecify.annotations.Nullable;

/** The outcome of recording a failure on the image's item. */
public sealed interface FailureRecord {

	/**
	 * The item is FAILED with it.
	 *
	 * @param userId the owner the item records, which the failure never changes
	 */
	record Recorded(@Nullable String userId) implements FailureRecord {
	}

	/**
	 * Kept out: the item holds this version completed, or a newer version, so the failure
	 * is out of date.
	 */
	record Outdated() implements FailureRecord {
	}

	/** Kept out: the imageId belongs to another source object. */
	record Conflict() implements FailureRecord {
	}

}
