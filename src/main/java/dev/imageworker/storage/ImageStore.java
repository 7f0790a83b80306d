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

	/**
	 * Starts downloading a source object: the returned download knows the object's
	 * version and size, and reads its bytes only when asked.
	 */
	public SourceDownload open(String bucket, String key) {
		try {
			return new SourceDownload(this.s3.getObject((request) -> request.bucket(bucket).key(key)));
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

	static String unquote(String eTag) {
		return (eTag != null && eTag.length() >= 2 && eTag.startsWith("\"")) ? eTag.substring(1, eTag.length() - 1)
				: eTag;
	}

}
