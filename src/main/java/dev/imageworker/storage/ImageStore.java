package dev.imageworker.storage;

import java.util.Collection;
import java.util.Map;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.TransientFailure;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

import org.springframework.stereotype.Component;

/**
 * Reads source images and writes variants, through S3. The SDK client rather than Spring
 * Cloud AWS's {@code S3Template}: a read needs the object's ETag, size and metadata
 * before its body, and deletes go in batches.
 */
@Component
public class ImageStore {

	private static final int FORBIDDEN = 403;

	private static final int NOT_FOUND = 404;

	private final S3Client s3;

	public ImageStore(S3Client s3) {
		this.s3 = s3;
	}

	/**
	 * Starts downloading a source object: the returned download knows the object's
	 * version and size, and reads its bytes only when asked.
	 * @throws PermanentFailure {@code SOURCE_NOT_FOUND} when S3 answers 404
	 * @throws TransientFailure when S3 answers 403, which it also does for a missing key
	 * when the role may not list the bucket, or while a permission is being granted
	 */
	public SourceDownload open(String bucket, String key) {
		try {
			return new SourceDownload(this.s3.getObject((request) -> request.bucket(bucket).key(key)));
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == NOT_FOUND) {
				throw new PermanentFailure(FailureCode.SOURCE_NOT_FOUND,
						"s3://" + bucket + "/" + key + " does not exist", ex);
			}
			if (ex.statusCode() == FORBIDDEN) {
				throw new TransientFailure(
						"access denied to s3://" + bucket + "/" + key
								+ ": the role may not read it, or it is missing and the role may not list the bucket",
						ex);
			}
			throw ex;
		}
	}

	/**
	 * The ETag of the key's current version, or null when the key no longer exists.
	 */
	public @Nullable String currentETag(String bucket, String key) {
		try {
			return unquote(this.s3.headObject((request) -> request.bucket(bucket).key(key)).eTag());
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == NOT_FOUND) {
				return null;
			}
			throw ex;
		}
	}

	public void put(String bucket, String key, byte[] content, String contentType, String cacheControl,
			String sourceETag) {
		this.s3.putObject((request) -> request.bucket(bucket)
			.key(key)
			.contentType(contentType)
			.cacheControl(cacheControl)
			.metadata(Map.of("source-etag", sourceETag)), RequestBody.fromBytes(content));
	}

	/**
	 * Deletes objects in one request (up to 1000 keys).
	 * @return how many S3 could not delete
	 */
	public int delete(String bucket, Collection<String> keys) {
		if (keys.isEmpty()) {
			return 0;
		}
		return this.s3
			.deleteObjects((request) -> request.bucket(bucket)
				.delete((delete) -> delete.quiet(true)
					.objects(keys.stream().map((key) -> ObjectIdentifier.builder().key(key).build()).toList())))
			.errors()
			.size();
	}

	static @Nullable String unquote(@Nullable String eTag) {
		return (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"")) ? eTag.substring(1, eTag.length() - 1)
				: eTag;
	}

}
