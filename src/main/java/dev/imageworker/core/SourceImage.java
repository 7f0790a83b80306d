package dev.imageworker.core;

/**
 * What decoding found in a source image, as recorded on a completed item.
 *
 * @param format the format's name, from the magic bytes
 * @param width the upright width in pixels
 * @param height the upright height in pixels
 */
public record SourceImage(String format, int width, int height) {
}
