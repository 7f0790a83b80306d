package dev.imageworker.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * An output written to the output bucket, as recorded in DynamoDB and announced on SNS. A
 * variant with several formats has an entry per format, all with its name.
 *
 * @param name the rendition's name: the variant's, or {@code <variant>-<w>w} for a
 * responsive width
 * @param bucket the output bucket
 * @param key its object key
 * @param width its width in pixels, as rendered (never upscaled)
 * @param height its height in pixels
 * @param bytes its size
 * @param contentType its media type
 * @param format its format: {@code jpeg}, {@code png}, {@code webp} or {@code avif}
 * @param frames the frames of an animated output, else null
 * @param url where it is served, with {@code image-worker.public-base-url} set
 */
public record StoredVariant(String name, String bucket, String key, int width, int height, long bytes,
		String contentType, String format, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Integer frames,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String url) {
}
