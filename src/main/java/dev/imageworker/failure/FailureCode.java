package dev.imageworker.failure;

/**
 * Why an image ended FAILED: stored in DynamoDB, sent on SNS and as a DLQ message
 * attribute.
 */
public enum FailureCode {

	/**
	 * The message names no image the worker may read: unknown shape, bad JSON, invalid
	 * ids, too many records, foreign bucket.
	 */
	INVALID_MESSAGE(false),

	/** The source object does not exist (any more). */
	SOURCE_NOT_FOUND(true),

	/** The bytes are not an image, or an image in a format the worker does not read. */
	UNSUPPORTED_FORMAT(true),

	/** The image is truncated or its data is damaged. */
	CORRUPT_IMAGE(true),

	/** The object exceeds the byte limit or its header the pixel limit. */
	IMAGE_TOO_LARGE(true),

	/** Rendering took longer than the job time limit. */
	PROCESSING_TIMEOUT(true),

	/** A transient fault persisted through every receive the queue allows. */
	RETRIES_EXHAUSTED(true),

	/** The imageId the message names belongs to another source object. */
	IMAGE_ID_CONFLICT(false);

	private final boolean ofAnImage;

	FailureCode(boolean ofAnImage) {
		this.ofAnImage = ofAnImage;
	}

	/**
	 * Whether the failure belongs to an image the worker may record: then the item says
	 * FAILED and a FAILED event goes out. A message refused before that, whose ids or
	 * bucket cannot be trusted, only goes to the dead-letter queue: it must not write to
	 * an item or an event stream that may be someone else's.
	 */
	public boolean isOfAnImage() {
		return this.ofAnImage;
	}

}
