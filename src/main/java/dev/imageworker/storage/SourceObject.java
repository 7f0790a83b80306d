package dev.imageworker.storage;

/**
 * What the source object's response headers tell before its bytes are read.
 *
 * @param eTag the object's ETag, without quotes
 * @param bytes its size
 */
public record SourceObject(String eTag, long bytes) {
}
