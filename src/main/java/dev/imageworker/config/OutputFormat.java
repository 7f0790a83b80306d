package dev.imageworker.config;

import java.util.Locale;

/**
 * The formats variants are written in, each with its key extension and media type.
 */
public enum OutputFormat {

	JPEG("jpg", "image/jpeg", false), PNG("png", "image/png", true), WEBP("webp", "image/webp", true),
	AVIF("avif", "image/avif", true);

	private final String extension;

	private final String contentType;

	private final boolean alpha;

	OutputFormat(String extension, String contentType, boolean alpha) {
		this.extension = extension;
		this.contentType = contentType;
		this.alpha = alpha;
	}

	/** The output key's extension, without the dot. */
	public String extension() {
		return this.extension;
	}

	public String contentType() {
		return this.contentType;
	}

	/** Whether the format keeps transparency; JPEG outputs are flattened. */
	public boolean keepsAlpha() {
		return this.alpha;
	}

	/** Whether the format is encoded with a quality (PNG is lossless). */
	public boolean lossy() {
		return this != PNG;
	}

	/** Whether the encoder trades CPU for bytes by an effort (WebP and AVIF). */
	public boolean hasEffort() {
		return this == WEBP || this == AVIF;
	}

	/** The name configuration and records use: {@code jpeg}, {@code webp}... */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
