package dev.imageworker.core;

import java.time.Instant;
import java.util.Map;

/**
 * What the source object's response headers tell before its bytes are read: which version
 * of the key it is.
 *
 * @param eTag the object's ETag, without quotes
 * @param bytes its size
 * @param lastModified when this version was written, to the second as S3 reports it
 * @param userMetadata its {@code x-amz-meta-*} headers, unvalidated
 */
public record SourceObject(String eTag, long bytes, Instant lastModified, Map<String, String> userMetadata) {

	public SourceObject {
		userMetadata = Map.copyOf(userMetadata);
	}

}
