package dev.imageworker.storage;

import java.util.Map;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import org.springframework.stereotype.Component;

/** Reads source images and writes variants, through S3. */
@Component
public class ImageStore {

	private static final int NOT_FOUND = 404;

	private final S3Client s3;

	public ImageStore(S3Client s3) {
		this.s3 = s3;
	}

	public SourceObject head(String bucket, String key) {
		try {
			var head = this.s3.headObject((request) -> request.bucket(bucket).key(key));
			return new SourceObject(unquote(head.eTag()), head.contentLength());
		}
		catch (NoSuchKeyException ex) {
			throw sourceNotFound(bucket, key, ex);
		}
		catch (S3Exception ex) {
			if (ex.statusCode() == NOT_FOUND) {
				throw sourceNotFound(bucket, key, ex);
			}
			throw ex;
		}
	}

	/**
	 * Downloads the version that was checked, so the recorded ETag describes what was
	 * rendered.
	 */
	public byte[] download(String bucket, String key, SourceObject source) {
		try {
			return this.s3
				.getObjectAsBytes((request) -> request.bucket(bucket).key(key).ifMatch('"' + source.eTag() + '"'))
				.asByteArrayUnsafe();
		}
		catch (NoSuchKeyException ex) {
			throw sourceNotFound(bucket, key, ex);
		}
	}

	public void put(String bucket, String key, byte[] content, String contentType, String sourceETag) {
		this.s3.putObject((request) -> request.bucket(bucket)
			.key(key)
			.contentType(contentType)
			.metadata(Map.of("source-etag", sourceETag)), RequestBody.fromBytes(content));
	}

	private static PermanentFailure sourceNotFound(String bucket, String key, Exception cause) {
		return new PermanentFailure(FailureCode.SOURCE_NOT_FOUND, "s3://" + bucket + "/" + key + " does not exist",
				cause);
	}

	private static String unquote(String eTag) {
		return (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"")) ? eTag.substring(1, eTag.length() - 1)
				: eTag;
	}

}
