package dev.imageworker.imaging;

import java.util.List;
import java.util.Optional;

/**
 * Turns the bytes of one source image into its outputs. Implementations decide the format
 * from magic bytes, check the pixel limit from the header before decoding, decode once,
 * apply EXIF orientation, convert to sRGB 8-bit, keep alpha only where the output format
 * does (JPEG flattens onto the spec's background), never upscale, strip metadata, and
 * throw {@link dev.imageworker.failure.PermanentFailure} with a code for input they
 * refuse. A cancelled render stops at its next stage boundary or sooner, with a
 * {@link java.util.concurrent.CancellationException}.
 */
public interface RenderEngine {

	/** Short name for logs and metrics. */
	String name();

	Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation);

	/**
	 * What of the spec this engine cannot render, a line each naming the variant and what
	 * it needs; empty when it renders all of it. Asked once, at start.
	 */
	List<String> unsupported(RenderSpec spec);

	/**
	 * Width and height as this engine's own decoder reads them from the header, without
	 * decoding pixels; empty when it cannot read them.
	 */
	default Optional<Dimensions> headerSize(byte[] source) {
		return Optional.empty();
	}

	/**
	 * Whether decoded pixels live on the Java heap rather than in native memory; decoding
	 * is admitted against a budget in the same place. Native unless an engine says
	 * otherwise, the smaller budget in a container.
	 */
	default boolean decodesOnHeap() {
		return false;
	}

}
