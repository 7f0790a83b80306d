package dev.imageworker.imaging;

import java.util.List;

import dev.imageworker.config.ImageWorkerProperties;

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

	public int largestSide() {
		return this.variants.stream().mapToInt(Variant::longestSide).max().orElseThrow();
	}

}
