package dev.imageworker.imaging;

/**
 * A configured thumbnail size.
 *
 * @param name the variant's name, part of its output key
 * @param longestSide the longest side of the output in pixels
 */
public record Variant(String name, int longestSide) {
}
