package dev.imageworker.reprocess;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Every object under a bucket and prefix. */
final class PrefixSelection implements Selection {

	private final S3Client s3;

	private final String bucket;

	private final String prefix;

	PrefixSelection(S3Client s3, String bucket, String prefix) {
		this.s3 = s3;
		this.bucket = bucket;
		this.prefix = prefix;
	}

	@Override
	public String describe() {
		return "s3://" + this.bucket + "/" + this.prefix;
	}

	@Override
	public long count() {
		return this.s3.listObjectsV2Paginator((request) -> request.bucket(this.bucket).prefix(this.prefix))
			.contents()
			.stream()
			.count();
	}

	@Override
	public Page page(@Nullable String token) {
		ListObjectsV2Response listing = this.s3
			.listObjectsV2((request) -> request.bucket(this.bucket).prefix(this.prefix).continuationToken(token));
		return new Page(listing.contents()
			.stream()
			.map(S3Object::key)
			.<Map<String, Object>>map((key) -> Map.of("bucket", this.bucket, "s3Key", key, "reprocess", true))
			.toList(), Boolean.TRUE.equals(listing.isTruncated()) ? listing.nextContinuationToken() : null);
	}

}
