package dev.imageworker.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * One entry of {@code image-worker.variants}: the short form {@code thumb: 256} (fit
 * inside 256x256, JPEG), or a spec giving exactly one of the sizes, how to fit it, and
 * the formats to write. A spec outside the combinations below stops the worker at start,
 * naming the variant.
 *
 * @param size the longest side (the short form is this)
 * @param width the width; alone, the height follows from the aspect ratio
 * @param height the height; alone, the width follows
 * @param widths responsive widths: one output per width, named {@code <name>-<w>w}
 * @param fit {@code inside} (the whole image within the size) or {@code cover} (exactly
 * {@code width} x {@code height}, cropped)
 * @param crop which part a {@code cover} keeps: {@code centre}, or libvips' smartcrop
 * {@code attention} or {@code entropy}; {@code centre} when not given
 * @param formats the formats written, one output each
 * @param quality the quality of the lossy formats, else each format's default
 */
public record VariantSpec(@Nullable Integer size, @Nullable Integer width, @Nullable Integer height,
		@Nullable List<Integer> widths, @DefaultValue("inside") Fit fit, @Nullable Crop crop,
		@DefaultValue("jpeg") List<OutputFormat> formats, @Nullable Integer quality) {

	public VariantSpec {
		widths = (widths != null) ? List.copyOf(widths) : null;
		formats = List.copyOf(formats);
	}

	/** The short form: fit inside a square of the side, JPEG. */
	public static VariantSpec ofSize(int size) {
		return new VariantSpec(size, null, null, null, Fit.INSIDE, null, List.of(OutputFormat.JPEG), null);
	}

	/**
	 * Whether this is what the short form says, so that the fingerprint of a set written
	 * in the short form stays the same.
	 */
	boolean isShortForm() {
		return this.size != null && this.width == null && this.height == null && this.widths == null
				&& this.fit == Fit.INSIDE && this.crop == null && this.formats.equals(List.of(OutputFormat.JPEG))
				&& this.quality == null;
	}

	/**
	 * Refuses what no render can mean.
	 * @throws IllegalArgumentException naming the variant and what is wrong
	 */
	void check(String name, long maxPixels) {
		List<String> problems = new ArrayList<>();
		int sizes = count(this.size) + count(this.widths) + ((this.width != null || this.height != null) ? 1 : 0);
		if (sizes != 1) {
			problems.add("give exactly one of size, width and/or height, or widths");
		}
		if (this.fit == Fit.COVER && (this.width == null || this.height == null)) {
			problems.add("fit cover needs both width and height");
		}
		if (this.crop != null && this.fit != Fit.COVER) {
			problems.add("crop applies to fit cover only");
		}
		if (this.widths != null && this.widths.isEmpty()) {
			problems.add("widths is empty");
		}
		for (Integer side : sides()) {
			if (side == null || side < 1) {
				problems.add("sizes must be positive, not " + side);
			}
		}
		if (this.widths != null && new HashSet<>(this.widths).size() != this.widths.size()) {
			problems.add("widths " + this.widths + " name an output twice");
		}
		if (this.formats.isEmpty()) {
			problems.add("formats is empty");
		}
		if (new HashSet<>(this.formats).size() != this.formats.size()) {
			problems.add("formats " + ids(this.formats) + " name an output twice");
		}
		if (this.quality != null && (this.quality < 1 || this.quality > 100)) {
			problems.add("quality must be 1 to 100, not " + this.quality);
		}
		if (problems.isEmpty() && box() > maxPixels) {
			problems.add("its size of " + box() + " pixels is over limits.max-pixels (" + maxPixels + ")");
		}
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(
					"image-worker.variants." + name + " is not a valid variant: " + String.join("; ", problems));
		}
	}

	/**
	 * The most pixels an output of this spec may have, as configured: the box, or the
	 * square of a lone side.
	 */
	private long box() {
		if (this.width != null && this.height != null) {
			return (long) this.width * this.height;
		}
		int side = (this.size != null) ? this.size
				: (this.widths != null) ? this.widths.stream().mapToInt(Integer::intValue).max().orElse(0)
						: (this.width != null) ? this.width : (this.height != null) ? this.height : 0;
		return (long) side * side;
	}

	private List<@Nullable Integer> sides() {
		List<@Nullable Integer> sides = new ArrayList<>();
		if (this.size != null) {
			sides.add(this.size);
		}
		if (this.width != null) {
			sides.add(this.width);
		}
		if (this.height != null) {
			sides.add(this.height);
		}
		if (this.widths != null) {
			sides.addAll(this.widths);
		}
		return sides;
	}

	/**
	 * The spec as the fingerprint holds it: the short form as its side, else every field
	 * given, in a fixed order.
	 */
	String describe() {
		if (isShortForm()) {
			return String.valueOf(this.size);
		}
		List<String> fields = new ArrayList<>();
		if (this.size != null) {
			fields.add("size=" + this.size);
		}
		if (this.width != null) {
			fields.add("width=" + this.width);
		}
		if (this.height != null) {
			fields.add("height=" + this.height);
		}
		if (this.widths != null) {
			fields.add("widths=" + this.widths.stream().map(String::valueOf).collect(Collectors.joining(",")));
		}
		fields.add("fit=" + this.fit.name().toLowerCase(Locale.ROOT));
		if (this.fit == Fit.COVER) {
			fields.add("crop=" + effectiveCrop().name().toLowerCase(Locale.ROOT));
		}
		fields.add("formats=" + String.join(",", ids(this.formats)));
		if (this.quality != null) {
			fields.add("quality=" + this.quality);
		}
		return "{" + String.join(" ", fields) + "}";
	}

	public Crop effectiveCrop() {
		return (this.crop != null) ? this.crop : Crop.CENTRE;
	}

	private static int count(@Nullable Object value) {
		return (value != null) ? 1 : 0;
	}

	private static List<String> ids(List<OutputFormat> formats) {
		return formats.stream().map(OutputFormat::id).toList();
	}

	/** How an output fits its size. */
	public enum Fit {

		/** The whole image, within the size. */
		INSIDE,

		/** Exactly the box, the image scaled to cover it and cropped. */
		COVER

	}

	/** Which part of the image a {@code cover} keeps. */
	public enum Crop {

		/** The middle. */
		CENTRE,

		/** libvips' smartcrop: skin tones, saturated colour and edges. */
		ATTENTION,

		/** libvips' smartcrop: the part with the most detail. */
		ENTROPY

	}

}
