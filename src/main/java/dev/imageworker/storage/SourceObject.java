package dev.imageworker.storage;

/**
 * What a HEAD of the source object tells before anything is downloaded.
 *
 * @param eTag the object's ETag, without quotes
 * @param bytes its size
 */
public record SourceObject(String eTag, long bytes) {
}
