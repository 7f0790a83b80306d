package dev.imageworker.catalog;

/** The outcome of recording a failure on the image's item. */
public enum FailureRecord {

	/** The item is FAILED with it. */
	RECORDED,

	/**
	 * Kept out: the item holds this version completed, or a newer version, so the failure
	 * is out of date.
	 */
	OUTDATED,

	/** Kept out: the imageId belongs to another source object. */
	CONFLICT

}
