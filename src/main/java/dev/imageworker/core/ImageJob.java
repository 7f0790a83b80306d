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
 * @param heldId an id the job takes only where an item recorded under it already
 * describes this source object, else none
 */
public record ImageJob(String bucket, String key, String imageId, @Nullable String userId, @Nullable String eTag,
		Upload upload, boolean reprocess, @Nullable HeldId heldId) {

	/** A job whose id is its own to claim. */
	public ImageJob(String bucket, String key, String imageId, @Nullable String userId, @Nullable String eTag,
			Upload upload, boolean reprocess) {
		this(bucket, key, imageId, userId, eTag, upload, reprocess, null);
	}

	/** The same job with the source object's own user metadata merged in, bounded. */
	public ImageJob withObjectMetadata(Map<String, String> objectMetadata) {
		if (objectMetadata.isEmpty()) {
			return this;
		}
		return new ImageJob(this.bucket, this.key, this.imageId, this.userId, this.eTag,
				this.upload.withMetadata(UserMetadata.bounded(this.upload.metadata(), objectMetadata)), this.reprocess,
				this.heldId);
	}

	/** The same job under the id it was found to hold, or to claim as its own. */
	public ImageJob withImageId(String imageId) {
		return new ImageJob(this.bucket, this.key, imageId, this.userId, this.eTag, this.upload, this.reprocess);
	}

	/** The same job for the owner the image's item records. */
	public ImageJob withUserId(@Nullable String userId) {
		return new ImageJob(this.bucket, this.key, this.imageId, userId, this.eTag, this.upload, this.reprocess,
				this.heldId);
	}

	/**
	 * An id that the rules of an earlier version gave the source object, or that a
	 * message names in the shape of the ids the worker derives: it may only continue an
	 * item recorded under it for this very object, so that items recorded before keep
	 * their ids while nobody can claim a new one that the worker would derive for another
	 * object.
	 *
	 * @param imageId the id
	 * @param refusedOtherwise whether the job is refused where no such item exists (the
	 * message named it), rather than claiming its own {@code imageId}
	 */
	public record HeldId(String imageId, boolean refusedOtherwise) {
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
