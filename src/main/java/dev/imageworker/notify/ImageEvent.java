package dev.imageworker.notify;

import java.util.List;
import java.util.Map;

import dev.imageworker.core.ImageJob;
import dev.imageworker.core.ImageStatus;
import dev.imageworker.core.StoredVariant;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.imaging.Placeholder;
import org.jspecify.annotations.Nullable;

/**
 * The SNS event announcing the end of one version of an image, COMPLETED or FAILED.
 *
 * @param imageId the image
 * @param status COMPLETED or FAILED
 * @param userId the owner, where known
 * @param sourceBucket the source bucket
 * @param sourceKey the source key
 * @param sourceETag the version of the source object, where known
 * @param variants the stored variants; empty for a failure
 * @param error the failure, or null
 * @param metadata the upload's user metadata, bounded; empty when it had none
 * @param reprocessed whether this version was COMPLETED before and was rendered again
 * @param placeholder what a page shows while the image loads; null for a failure, and for
 * an item completed before there were placeholders
 * @param schemaVersion {@value #SCHEMA_VERSION}: since variants have formats, several
 * entries of {@code variants} may share a name
 */
public record ImageEvent(String imageId, ImageStatus status, @Nullable String userId, String sourceBucket,
		String sourceKey, @Nullable String sourceETag, List<StoredVariant> variants, @Nullable Error error,
		Map<String, String> metadata, boolean reprocessed, @Nullable Placeholder placeholder, int schemaVersion) {

	/** The event's shape: 2 since variants have formats. */
	public static final int SCHEMA_VERSION = 2;

	public static ImageEvent completed(ImageJob job, String sourceETag, List<StoredVariant> variants,
			@Nullable Placeholder placeholder, boolean reprocessed) {
		return new ImageEvent(job.imageId(), ImageStatus.COMPLETED, job.userId(), job.bucket(), job.key(), sourceETag,
				List.copyOf(variants), null, job.upload().metadata(), reprocessed, placeholder, SCHEMA_VERSION);
	}

	public static ImageEvent failed(ImageJob job, @Nullable String sourceETag, FailureCode code, String message) {
		return new ImageEvent(job.imageId(), ImageStatus.FAILED, job.userId(), job.bucket(), job.key(), sourceETag,
				List.of(), new Error(code, message), job.upload().metadata(), false, null, SCHEMA_VERSION);
	}

	/**
	 * Why an image failed.
	 *
	 * @param code the failure code
	 * @param message a readable reason
	 */
	public record Error(FailureCode code, String message) {
	}

}
