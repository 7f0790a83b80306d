package dev.imageworker.imaging;

import java.util.List;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;

/**
 * What every render produces and refuses.
 *
 * @param variants the sizes to render, largest first
 * @param jpegQuality JPEG quality, 1 to 100
 * @param maxPixels largest image accepted, checked from the header before decode
 */
public record RenderSpec(List<Variant> variants, int jpegQuality, long maxPixels) {

	public RenderSpec {
		variants = List.copyOf(variants);
	}

	public static RenderSpec from(ImageWorkerProperties properties) {
		List<Variant> variants = properties.variants()
			.entrySet()
			.stream()
			.map((entry) -> new Variant(entry.getKey(), entry.getValue()))
			.toList();
		return new RenderSpec(variants, properties.jpegQuality(), properties.limits().maxPixels());
	}

	/**
	 * Refuses a header's dimensions before anything is decoded: absurd sizes as corrupt,
	 * sizes over the pixel limit as too large.
	 */
	public void checkPixels(Dimensions size) {
		if (size.width() <= 0 || size.height() <= 0) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE,
					"header declares " + size.width() + "x" + size.height() + " pixels");
		}
		if (size.pixels() > this.maxPixels) {
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
					size.width() + "x" + size.height() + " is more than " + this.maxPixels + " pixels");
		}
	}

	public int largestSide() {
		return this.variants.stream().mapToInt(Variant::longestSide).max().orElseThrow();
	}

}
