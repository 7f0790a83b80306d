package dev.imageworker.core;

/**
 * A variant written to the output bucket, as recorded in DynamoDB and announced on SNS.
 *
 * @param name the variant's name
 * @param bucket the output bucket
 * @param key its object key
 * @param width its width in pixels
 * @param height its height in pixels
 * @param bytes its size
 * @param contentType its media type
 */
public record StoredVariant(String name, String bucket, String key, int width, int height, long bytes,
		String contentType) {
}
