package dev.imageworker.imaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.config.OutputFormat;
import dev.imageworker.config.VariantSpec;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;

/**
 * What every render produces and refuses: the configured variants expanded into
 * renditions (one per size, each with its formats), the colour JPEG flattens onto, and
 * the limits checked from the header before decoding.
 *
 * @param renditions the sizes to render, each with its formats
 * @param background red, green and blue that transparency is flattened onto in JPEG
 * @param maxPixels largest image accepted, every frame an animation decodes counted
 * @param maxFrames frames of an animation kept in WebP outputs
 */
public record RenderSpec(List<Rendition> renditions, int[] background, long maxPixels, int maxFrames) {

	/**
	 * What libaom holds while it encodes, whatever the size: measured as the peak
	 * resident memory of renders with an AVIF output against the same renders without
	 * one, about 50 MiB at 640 and 1280 px wide and 95 at 2400 (docs/imaging.md).
	 */
	static final long AVIF_ENCODER_BYTES = 64L * 1024 * 1024;

	/**
	 * What libaom holds per pixel of the output on top of {@link #AVIF_ENCODER_BYTES}.
	 */
	static final long AVIF_ENCODER_BYTES_PER_PIXEL = 8;

	public RenderSpec {
		renditions = List.copyOf(renditions);
		background = background.clone();
	}

	/**
	 * JPEG outputs of the given sizes, as before variant specs: for tests and benchmarks.
	 */
	public static RenderSpec jpeg(Map<String, Integer> longestSides, int quality, long maxPixels) {
		return new RenderSpec(longestSides.entrySet()
			.stream()
			.map((entry) -> Rendition.longestSide(entry.getKey(), entry.getValue(), quality))
			.toList(), new int[] { 255, 255, 255 }, maxPixels, 1);
	}

	public static RenderSpec from(ImageWorkerProperties properties) {
		List<Rendition> renditions = new ArrayList<>();
		properties.variants().forEach((name, spec) -> renditions.addAll(renditions(name, spec, properties)));
		return new RenderSpec(renditions, properties.backgroundRgb(), properties.limits().maxPixels(),
				properties.limits().maxFrames());
	}

	private static List<Rendition> renditions(String name, VariantSpec spec, ImageWorkerProperties properties) {
		List<Rendition.Encoding> encodings = spec.formats()
			.stream()
			.map((format) -> new Rendition.Encoding(format,
					(spec.quality() != null) ? spec.quality() : properties.formats().quality(format),
					properties.formats().effort(format)))
			.toList();
		VariantSpec.Crop crop = spec.effectiveCrop();
		if (spec.widths() != null) {
			return spec.widths()
				.stream()
				.map((width) -> new Rendition(name, name + "-" + width + "w", Rendition.Sizing.WIDTH, width, 0, crop,
						encodings))
				.toList();
		}
		Rendition rendition;
		if (spec.size() != null) {
			rendition = new Rendition(name, name, Rendition.Sizing.LONGEST_SIDE, spec.size(), spec.size(), crop,
					encodings);
		}
		else if (spec.width() != null && spec.height() != null) {
			rendition = new Rendition(name, name,
					(spec.fit() == VariantSpec.Fit.COVER) ? Rendition.Sizing.COVER : Rendition.Sizing.BOX, spec.width(),
					spec.height(), crop, encodings);
		}
		else if (spec.width() != null) {
			rendition = new Rendition(name, name, Rendition.Sizing.WIDTH, spec.width(), 0, crop, encodings);
		}
		else {
			rendition = new Rendition(name, name, Rendition.Sizing.HEIGHT, 0, requireHeight(spec), crop, encodings);
		}
		return List.of(rendition);
	}

	private static int requireHeight(VariantSpec spec) {
		Integer height = spec.height();
		if (height == null) {
			throw new IllegalArgumentException("a variant spec without a size: " + spec);
		}
		return height;
	}

	/**
	 * The renditions of an image, the largest scale first, so that each smaller one may
	 * scale from the last one that shows the whole image.
	 */
	public List<Rendition> largestFirst(Dimensions upright) {
		return this.renditions.stream().sorted(byScale(upright).reversed()).toList();
	}

	/**
	 * Smaller scale first; of equal scales, the later name first, so that reversed they
	 * sort by name.
	 */
	private static Comparator<Rendition> byScale(Dimensions upright) {
		return Comparator.comparingDouble((Rendition rendition) -> scaleOf(rendition, upright))
			.thenComparing(Rendition::name, Comparator.reverseOrder());
	}

	/**
	 * The rendition that needs the most of the image: what decoding must keep of it,
	 * before any crop.
	 */
	public Rendition largest(Dimensions upright) {
		return this.renditions.stream().max(byScale(upright)).orElseThrow();
	}

	private static double scaleOf(Rendition rendition, Dimensions upright) {
		return (double) rendition.target(upright).scaled().width() / upright.width();
	}

	/** Whether an animated source keeps its frames in some output (WebP). */
	public boolean animates() {
		return uses(OutputFormat.WEBP);
	}

	/** Whether some output keeps transparency, so it cannot be flattened at decode. */
	public boolean keepsAlpha() {
		return this.renditions.stream()
			.flatMap((rendition) -> rendition.encodings().stream())
			.anyMatch((encoding) -> encoding.format().keepsAlpha());
	}

	public boolean uses(OutputFormat format) {
		return this.renditions.stream().anyMatch((rendition) -> rendition.uses(format));
	}

	/**
	 * The native memory the encoders hold while they write an image of this stored size,
	 * whichever way its orientation turns it: an AVIF encoder's for the largest AVIF
	 * output (encodes run one after the other), 0 where no output is AVIF. JPEG, PNG and
	 * WebP encoders hold a few MiB at most, which the budget's reserve covers.
	 */
	public long encoderBytes(Dimensions stored) {
		if (stored.width() <= 0 || stored.height() <= 0) {
			return 0;
		}
		long pixels = Math.max(largestAvif(stored), largestAvif(stored.transposed()));
		return (pixels < 0) ? 0 : AVIF_ENCODER_BYTES + AVIF_ENCODER_BYTES_PER_PIXEL * pixels;
	}

	private long largestAvif(Dimensions upright) {
		return this.renditions.stream()
			.filter((rendition) -> rendition.uses(OutputFormat.AVIF))
			.mapToLong((rendition) -> rendition.target(upright).size().pixels())
			.max()
			.orElse(-1);
	}

	/**
	 * Refuses a header's dimensions before anything is decoded: absurd sizes as corrupt,
	 * sizes over the pixel limit (every frame decoded counted) as too large.
	 */
	public void checkPixels(Dimensions size, int frames) {
		if (size.width() <= 0 || size.height() <= 0) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE,
					"header declares " + size.width() + "x" + size.height() + " pixels");
		}
		if (size.pixels() * frames > this.maxPixels) {
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
					size.width() + "x" + size.height() + ((frames > 1) ? " in " + frames + " frames" : "")
							+ " is more than " + this.maxPixels + " pixels");
		}
	}

	public void checkPixels(Dimensions size) {
		checkPixels(size, 1);
	}

	/**
	 * The longest side the renditions need of an image of this stored size, whichever way
	 * its orientation turns it: what a decoder that scales on load must keep.
	 */
	public int decodeSide(Dimensions stored) {
		return Math.max(neededSide(stored), neededSide(stored.transposed()));
	}

	private int neededSide(Dimensions upright) {
		return largest(upright).target(upright).scaled().longestSide();
	}

}
