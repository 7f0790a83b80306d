package dev.imageworker.notify;

import java.util.List;

import dev.imageworker.catalog.ImageStatus;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.ingest.ImageJob;
import dev.imageworker.storage.StoredVariant;
import org.jspecify.annotations.Nullable;

/**
 * The SNS event announcing the end of an image, COMPLETED or FAILED.
 *
 * @param imageId the image, or null for a message that named none
 * @param status COMPLETED or FAILED
 * @param userId the owner, where known
 * @param sourceBucket the source bucket, where known
 * @param sourceKey the source key, where known
 * @param variants the stored variants; empty for a failure
 * @param error the failure, or null
 */
public record ImageEvent(@Nullable String imageId, ImageStatus status, @Nullable String userId,
		@Nullable String sourceBucket, @Nullable String sourceKey, List<StoredVariant> variants,
		@Nullable Error error) {

	public static ImageEvent completed(ImageJob job, List<StoredVariant> variants) {
		return new ImageEvent(job.imageId(), ImageStatus.COMPLETED, job.userId(), job.bucket(), job.key(),
				List.copyOf(variants), null);
	}

	public static ImageEvent failed(@Nullable ImageJob job, FailureCode code, String message) {
		return new ImageEvent((job != null) ? job.imageId() : null, ImageStatus.FAILED,
				(job != null) ? job.userId() : null, (job != null) ? job.bucket() : null,
				(job != null) ? job.key() : null, List.of(), new Error(code, message));
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
