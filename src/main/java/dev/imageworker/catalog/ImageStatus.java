package dev.imageworker.catalog;

/** Lifecycle of an image item. */
public enum ImageStatus {

	PROCESSING, COMPLETED, FAILED

}
