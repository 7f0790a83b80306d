package dev.imageworker.imaging;

import java.util.List;

import dev.imageworker.core.SourceImage;

/**
 * The result of rendering one source image.
 *
 * @param format the source format, from its magic bytes
 * @param width the upright source width
 * @param height the upright source height
 * @param variants the rendered JPEGs, in the order of the spec
 */
public record Rendering(ImageFormat format, int width, int height, List<RenderedVariant> variants) {

	public Rendering {
		variants = List.copyOf(variants);
	}

	public SourceImage source() {
		return new SourceImage(this.format.name(), this.width, this.height);
	}

	/**
	 * One rendered JPEG.
	 *
	 * @param name the variant's name
	 * @param width its width in pixels
	 * @param height its height in pixels
	 * @param jpeg the encoded bytes
	 */
	public record RenderedVariant(String name, int width, int height, byte[] jpeg) {
	}

}
