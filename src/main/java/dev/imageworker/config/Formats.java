package dev.imageworker.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Each output format's encoder defaults ({@code image-worker.formats.<format>}), used
 * where a variant gives no quality of its own; PNG is lossless and has none. Chosen by
 * measurement (docs/benchmarks.md): the efforts are those before the knee where a KiB
 * saved starts to cost an order of magnitude more CPU (WebP effort 6 saves 4% more bytes
 * than 4 for twice the CPU; AVIF effort 4 saves 12% more than 2 for 7x the CPU, and an
 * AV1 encode cannot be interrupted). The qualities are the lowest at which the responsive
 * example set still looks better than a Node + sharp worker's at its defaults (mean SSIM
 * 0.9666 against 0.9654 over 23 photos) for at most 1.1x its bytes; WebP q85 and AVIF q70
 * would match JPEG q85's SSIM at 640 px, but cost 1.28x sharp's bytes.
 *
 * @param jpeg JPEG's quality; {@code image-worker.jpeg-quality} sets it too
 * @param webp WebP's quality and effort (0 to {@value #WEBP_MAX_EFFORT})
 * @param avif AVIF's quality and effort (0 to {@value #AVIF_MAX_EFFORT})
 */
public record Formats(@DefaultValue @Valid Jpeg jpeg, @DefaultValue @Valid Encoder webp,
		@DefaultValue @Valid Encoder avif) {

	static final int JPEG_QUALITY = 85;

	static final int WEBP_QUALITY = 80;

	static final int WEBP_EFFORT = 4;

	static final int AVIF_QUALITY = 56;

	static final int AVIF_EFFORT = 2;

	static final int WEBP_MAX_EFFORT = 6;

	/**
	 * libaom cannot be interrupted once an AVIF encode has started, so the effort is
	 * bounded: at this effort the largest output a render may produce still encodes well
	 * within the render watchdog's grace after the job time limit (docs/imaging.md).
	 */
	public static final int AVIF_MAX_EFFORT = 6;

	/**
	 * JPEG's setting.
	 *
	 * @param quality 1 to 100
	 */
	public record Jpeg(@Nullable @Min(1) @Max(100) Integer quality) {
	}

	/**
	 * The settings of WebP or AVIF, each unset one taking the format's default.
	 *
	 * @param quality 1 to 100
	 * @param effort CPU spent for fewer bytes
	 */
	public record Encoder(@Nullable @Min(1) @Max(100) Integer quality, @Nullable @Min(0) Integer effort) {
	}

	/** The quality a format is encoded with unless a variant gives its own; 0 for PNG. */
	public int quality(OutputFormat format) {
		return switch (format) {
			case JPEG -> orElse(this.jpeg.quality(), JPEG_QUALITY);
			case PNG -> 0;
			case WEBP -> orElse(this.webp.quality(), WEBP_QUALITY);
			case AVIF -> orElse(this.avif.quality(), AVIF_QUALITY);
		};
	}

	/**
	 * The effort a format is encoded with; 0 for those without
	 * ({@link OutputFormat#hasEffort}).
	 */
	public int effort(OutputFormat format) {
		return switch (format) {
			case JPEG, PNG -> 0;
			case WEBP -> orElse(this.webp.effort(), WEBP_EFFORT);
			case AVIF -> orElse(this.avif.effort(), AVIF_EFFORT);
		};
	}

	/**
	 * These settings with {@code image-worker.jpeg-quality}, the older name of JPEG's
	 * quality, taken in as JPEG's.
	 * @throws IllegalArgumentException for an effort beyond its format's range, and for
	 * two different JPEG qualities
	 */
	Formats withJpegQuality(@Nullable Integer jpegQuality) {
		checkEffort("webp", this.webp, WEBP_MAX_EFFORT);
		checkEffort("avif", this.avif, AVIF_MAX_EFFORT);
		if (jpegQuality == null) {
			return this;
		}
		if (this.jpeg.quality() != null && !jpegQuality.equals(this.jpeg.quality())) {
			throw new IllegalArgumentException("image-worker.jpeg-quality (" + jpegQuality
					+ ") and image-worker.formats.jpeg.quality (" + this.jpeg.quality() + ") disagree: set one");
		}
		return new Formats(new Jpeg(jpegQuality), this.webp, this.avif);
	}

	private static void checkEffort(String format, Encoder encoder, int max) {
		Integer effort = encoder.effort();
		if (effort != null && effort > max) {
			throw new IllegalArgumentException(
					"image-worker.formats." + format + ".effort must be 0 to " + max + ", not " + effort);
		}
	}

	private static int orElse(@Nullable Integer value, int otherwise) {
		return (value != null) ? value : otherwise;
	}

}
