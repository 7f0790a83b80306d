package dev.imageworker.ingest;

import org.jspecify.annotations.Nullable;

/**
 * One source image to render, as named by a message.
 *
 * @param bucket the source bucket
 * @param key the decoded object key
 * @param imageId the catalogue key of the image
 * @param userId the owner, when the message or the key names one
 */
public record ImageJob(String bucket, String key, String imageId, @Nullable String userId) {

	/** A job whose id and owner follow from the key, as for S3 events. */
	public static ImageJob forObject(String bucket, String key) {
		return new ImageJob(bucket, key, ImageIds.fromKey(bucket, key), ImageIds.userIdFromKey(key));
	}

}
