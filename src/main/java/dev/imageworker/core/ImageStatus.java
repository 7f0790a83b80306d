package dev.imageworker.core;

/** Lifecycle of an image item. */
public enum ImageStatus {

	PROCESSING, COMPLETED, FAILED

}
