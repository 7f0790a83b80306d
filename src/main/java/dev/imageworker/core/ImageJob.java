package dev.imageworker.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One source image to render, as named by a message.
 *
 * @param bucket the source bucket
 * @param key the decoded object key
 * @param imageId the catalogue key of the image
 * @param userId the owner, when the message or the key names one
 * @param eTag the version the event announces, when it names one: what a failure is
 * recorded against when the object itself cannot be read
 * @param upload what an upload API's message tells of the upload
 * @param reprocess render again even what is completed for this version and these
 * variants (a direct job's {@code "reprocess": true})
 */
public record ImageJob(String bucket, String key, String imageId, @Nullable String userId, @Nullable String eTag,
		Upload upload, boolean reprocess) {

	/** The same job with the source object's own user metadata merged in, bounded. */
	public ImageJob withObjectMetadata(Map<String, String> objectMetadata) {
		if (objectMetadata.isEmpty()) {
			return this;
		}
		return new ImageJob(this.bucket, this.key, this.imageId, this.userId, this.eTag,
				this.upload.withMetadata(UserMetadata.bounded(this.upload.metadata(), objectMetadata)), this.reprocess);
	}

	/**
	 * What an upload API says of an upload, recorded in the item; nothing for S3 events.
	 *
	 * @param fileName the name the user uploaded the file under
	 * @param fileType the media type the user's client declared
	 * @param uploadTimestamp when the upload API took the upload, ISO-8601
	 * @param metadata user metadata, validated and bounded ({@link UserMetadata})
	 */
	public record Upload(@Nullable String fileName, @Nullable String fileType, @Nullable String uploadTimestamp,
			Map<String, String> metadata) {

		/** Nothing known beyond the object itself. */
		public static final Upload NONE = new Upload(null, null, null, Map.of());

		public Upload {
			// In the order kept, so what is dropped beyond the bound is always the same.
			metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
		}

		Upload withMetadata(Map<String, String> metadata) {
			return new Upload(this.fileName, this.fileType, this.uploadTimestamp, metadata);
		}

	}

}
