package dev.imageworker.ingest;

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
 */
public record ImageJob(String bucket, String key, String imageId, @Nullable String userId, @Nullable String eTag) {
}
