package dev.imageworker.imaging;

import java.util.List;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.config.VariantSpec;
import org.jspecify.annotations.Nullable;

/**
 * One size a render produces, resized once and encoded in each of its formats: a variant,
 * or one width of a responsive variant ({@code hero-640w}).
 *
 * @param variant the configured variant it belongs to
 * @param name the output name, the key's last segment before the extension
 * @param sizing which of the sides the size gives
 * @param width the width the sizing names (the longest side for {@code LONGEST_SIDE}), or
 * 0
 * @param height the height the sizing names, or 0
 * @param crop what a {@code COVER} keeps
 * @param encodings one output each
 */
public record Rendition(String variant, String name, Sizing sizing, int width, int height, VariantSpec.Crop crop,
		List<Encoding> encodings) {

	/** A side a box leaves free: libvips' largest coordinate. */
	static final int UNBOUNDED = 10_000_000;

	public Rendition {
		encodings = List.copyOf(encodings);
	}

	/** Fit inside a square, as the short form {@code thumb: 256} asks, in JPEG. */
	public static Rendition longestSide(String name, int side, int jpegQuality) {
		return new Rendition(name, name, Sizing.LONGEST_SIDE, side, side, VariantSpec.Crop.CENTRE,
				List.of(new Encoding(OutputFormat.JPEG, jpegQuality, 0)));
	}

	/** Which sides a size gives, and how the image fits them. */
	public enum Sizing {

		/** Fit inside a square of the side. */
		LONGEST_SIDE,

		/** The width; the height follows from the aspect ratio. */
		WIDTH,

		/** The height; the width follows. */
		HEIGHT,

		/** Fit inside the box. */
		BOX,

		/** Exactly the box: scaled to cover it, then cropped. */
		COVER

	}

	/**
	 * One output format of a rendition, with its encoder settings.
	 *
	 * @param format the format
	 * @param quality 1 to 100; unused for PNG
	 * @param effort CPU spent for fewer bytes, for WebP and AVIF
	 */
	public record Encoding(OutputFormat format, int quality, int effort) {
	}

	/**
	 * What to make of an image of the given size: scale it to {@code scaled}, then crop
	 * the {@code crop} box out of it when there is one. Never larger than the image: a
	 * size beyond it gives the image's own size, and a cover box beyond it the largest
	 * box of the cover's aspect ratio the image holds.
	 *
	 * @param scaled the size to scale to
	 * @param crop the box to crop to after scaling, for {@code COVER}
	 */
	public record Target(Dimensions scaled, @Nullable Dimensions crop) {

		/** The output's size. */
		public Dimensions size() {
			return (this.crop != null) ? this.crop : this.scaled;
		}

	}

	/** Whether one of this rendition's outputs is in the format. */
	public boolean uses(OutputFormat format) {
		return this.encodings.stream().anyMatch((encoding) -> encoding.format() == format);
	}

	/** Whether the output shows the whole image, so smaller ones may scale from it. */
	public boolean wholeImage() {
		return this.sizing != Sizing.COVER;
	}

	public Target target(Dimensions image) {
		return switch (this.sizing) {
			case LONGEST_SIDE -> new Target(image.fitWithin(this.width), null);
			case WIDTH -> new Target(scale(image, Math.min(1.0, (double) this.width / image.width())), null);
			case HEIGHT -> new Target(scale(image, Math.min(1.0, (double) this.height / image.height())), null);
			case BOX -> new Target(
					scale(image, Math.min(1.0,
							Math.min((double) this.width / image.width(), (double) this.height / image.height()))),
					null);
			case COVER -> cover(image);
		};
	}

	/**
	 * The box to ask a shrinking loader for, so that it scales the image as this
	 * rendition's {@link #target} does (libvips' thumbnail fits an image inside a box).
	 */
	public Dimensions fitBox(Dimensions image) {
		int unbounded = UNBOUNDED;
		return switch (this.sizing) {
			case LONGEST_SIDE, BOX -> new Dimensions(this.width, this.height);
			case WIDTH -> new Dimensions(this.width, unbounded);
			case HEIGHT -> new Dimensions(unbounded, this.height);
			case COVER -> ((double) this.width / image.width() >= (double) this.height / image.height())
					? new Dimensions(this.width, unbounded) : new Dimensions(unbounded, this.height);
		};
	}

	private Target cover(Dimensions image) {
		double scale = Math.max((double) this.width / image.width(), (double) this.height / image.height());
		if (scale >= 1) {
			// Nothing is upscaled: the largest box of the cover's ratio the image holds.
			double ratio = (double) this.width / this.height;
			Dimensions box = ((double) image.width() / image.height() > ratio)
					? new Dimensions(Math.max(1, (int) Math.round(image.height() * ratio)), image.height())
					: new Dimensions(image.width(), Math.max(1, (int) Math.round(image.width() / ratio)));
			return new Target(image, box);
		}
		Dimensions scaled = new Dimensions(Math.max(this.width, (int) Math.round(image.width() * scale)),
				Math.max(this.height, (int) Math.round(image.height() * scale)));
		return new Target(scaled, new Dimensions(this.width, this.height));
	}

	/** Scaled by the factor, each side rounded on its own and at least one pixel. */
	private static Dimensions scale(Dimensions image, double factor) {
		if (factor >= 1) {
			return image;
		}
		return new Dimensions(Math.max(1, (int) Math.round(image.width() * factor)),
				Math.max(1, (int) Math.round(image.height() * factor)));
	}

}
