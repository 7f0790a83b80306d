package dev.imageworker.imaging;

import java.util.List;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.core.SourceImage;
import org.jspecify.annotations.Nullable;

/**
 * The result of rendering one source image.
 *
 * @param format the source format, from its magic bytes
 * @param width the upright source width
 * @param height the upright source height
 * @param outputs the encoded outputs, each rendition's formats together
 * @param placeholder what a page shows while the image loads
 */
public record Rendering(ImageFormat format, int width, int height, List<Output> outputs, Placeholder placeholder) {

	public Rendering {
		outputs = List.copyOf(outputs);
	}

	public SourceImage source() {
		return new SourceImage(this.format.name(), this.width, this.height);
	}

	/**
	 * One encoded output.
	 *
	 * @param name the rendition's name
	 * @param format what it is encoded in
	 * @param width its width in pixels
	 * @param height its height in pixels (of one frame)
	 * @param frames the frames of an animated output, else null
	 * @param bytes the encoded bytes
	 * @param encodeNanos how long encoding took
	 */
	public record Output(String name, OutputFormat format, int width, int height, @Nullable Integer frames,
			byte[] bytes, long encodeNanos) {
	}

}
