package dev.imageworker.local;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * One sample of the local run: the source uploaded, what became of it and when.
 *
 * @param key the source's key in the upload bucket
 * @param imageId the imageId the worker gave it
 * @param status {@code COMPLETED}, {@code FAILED}, or {@link #UNFINISHED}
 * @param source the bytes uploaded
 * @param description what the worker read of the source (format and size), or empty
 * @param uploadedAt when the upload returned
 * @param finishedAt the item's final {@code updatedAt}; null while unfinished
 * @param processingMillis the worker's own time for the image, when it completed
 * @param failure the failure code and message, when it failed
 * @param thumbnails the variants written, largest first
 */
record RunItem(String key, String imageId, String status, byte[] source, String description, Instant uploadedAt,
		@Nullable Instant finishedAt, @Nullable Long processingMillis, @Nullable Failure failure,
		List<Thumbnail> thumbnails) {

	static final String UNFINISHED = "UNFINISHED";

	/** From the upload returning to the item's final state. */
	Optional<Duration> uploadToFinal() {
		return Optional.ofNullable(this.finishedAt).map((finished) -> Duration.between(this.uploadedAt, finished));
	}

	/**
	 * Why an image failed.
	 *
	 * @param code the failure code
	 * @param message the item's error message
	 */
	record Failure(String code, String message) {

	}

	/**
	 * One variant of a completed image.
	 *
	 * @param name the variant's name
	 * @param width its width
	 * @param height its height
	 * @param bytes the JPEG read back from the output bucket
	 */
	record Thumbnail(String name, int width, int height, byte[] bytes) {

	}

}
