package dev.imageworker.failure;

/**
 * Why an image ended FAILED: stored in DynamoDB, sent on SNS and as a DLQ message
 * attribute.
 */
public enum FailureCode {

	/**
	 * The message names no image the worker may read: unknown shape, bad JSON, foreign
	 * bucket.
	 */
	INVALID_MESSAGE,

	/** The source object does not exist (any more). */
	SOURCE_NOT_FOUND,

	/** The bytes are not an image, or an image in a format the worker does not read. */
	UNSUPPORTED_FORMAT,

	/** The image is truncated or its data is damaged. */
	CORRUPT_IMAGE,

	/** The object exceeds the byte limit or its header the pixel limit. */
	IMAGE_TOO_LARGE,

	/** Rendering took longer than the job time limit. */
	PROCESSING_TIMEOUT,

	/** A transient fault persisted through every receive the queue allows. */
	RETRIES_EXHAUSTED

}
