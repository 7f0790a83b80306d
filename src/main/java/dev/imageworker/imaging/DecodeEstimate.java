package dev.imageworker.imaging;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.jspecify.annotations.Nullable;

/**
 * What decoding an image costs, from its header alone and for either engine: the pixels
 * it declares (checked against the pixel limit) and the bytes its decoded raster takes.
 * <p>
 * Four bytes a pixel (RGB or ARGB in an int, as the Java engine holds it) unless the PNG
 * header declares more: 16-bit RGB takes six, and a PNG with an alpha channel sixteen, as
 * libvips premultiplies alpha in float (four 4-byte samples) before it shrinks, which is
 * why an RGBA PNG costs it four times what an RGB one of the same size does. JPEGs are
 * decoded scaled down: libvips at a DCT scale that still covers the largest variant, the
 * Java engine subsampled to twice it, so the estimate takes the largest DCT scale (1/2,
 * 1/4, 1/8) that keeps twice the largest variant, the larger of the two decodes. A
 * progressive JPEG adds the coefficients of the whole image, which the decoder holds at
 * full resolution whatever the scale ({@link JpegFrame}).
 * <p>
 * Some decodes hold the whole image at once, whatever the variants' size: libvips decodes
 * an interlaced PNG whole (its passes cover the image in turn), a GIF frame onto a canvas
 * as large as its largest frame ({@link GifHeader}), a HEIF or an AVIF whole, and where
 * WebP outputs keep an animation, every frame it keeps ({@link WebpHeader}), each counted
 * against the pixel limit too. The Java engine streams the PNG and the GIF, subsampling
 * as it decodes, and refuses HEIF.
 * <p>
 * Besides the decode, an AVIF output's encoder holds tens of MiB while it encodes
 * ({@link RenderSpec#encoderBytes}), more than the decoded raster of most photos: the
 * estimate counts it, so that the memory admission does too.
 *
 * @param pixels width times height as declared (a GIF's canvas), 0 when the header cannot
 * be read
 * @param bytes estimated size of the decoded raster, coefficients and encoders included
 * @param coefficientBytes of those, the coefficients of a progressive JPEG: native memory
 * held at once, which no streaming decode avoids
 * @param whole whether a native decoder holds all the bytes at once (an interlaced PNG, a
 * GIF, a HEIF or an AVIF)
 */
public record DecodeEstimate(long pixels, long bytes, long coefficientBytes, boolean whole) {

	static final DecodeEstimate UNKNOWN = new DecodeEstimate(0, 0);

	DecodeEstimate(long pixels, long bytes) {
		this(pixels, bytes, 0);
	}

	DecodeEstimate(long pixels, long bytes, long coefficientBytes) {
		this(pixels, bytes, coefficientBytes, false);
	}

	private static final int BYTES_PER_PIXEL = 4;

	private static final int PREMULTIPLIED_BYTES_PER_PIXEL = 16;

	/**
	 * @param spec what the image is rendered to: how far a JPEG may be scaled down while
	 * decoding, and whether an animation is kept
	 */
	public static DecodeEstimate of(byte[] source, RenderSpec spec) {
		ImageFormat format = ImageFormat.sniff(source).orElse(null);
		if (format == ImageFormat.JPEG) {
			// The frame header gives the size and the coefficients in one read.
			return JpegFrame.read(source)
				.map((frame) -> encoded(jpeg(frame, spec), new Dimensions(frame.width(), frame.height()), spec))
				.orElse(UNKNOWN);
		}
		if (format == ImageFormat.GIF) {
			return GifHeader.read(source)
				.map((gif) -> encoded(frames(sized(format, source, gif.canvas()), gif.frames(), spec), gif.canvas(),
						spec))
				.orElse(UNKNOWN);
		}
		if (format == ImageFormat.WEBP && spec.animates()) {
			Optional<WebpHeader> animation = WebpHeader.read(source);
			if (animation.isPresent()) {
				Dimensions canvas = animation.get().canvas();
				return encoded(frames(sized(format, source, canvas), animation.get().frames(), spec), canvas, spec);
			}
		}
		Dimensions size = dimensions(source);
		return (size != null) ? encoded(sized(format, source, size), size, spec) : UNKNOWN;
	}

	/**
	 * The cost of an image whose size is known but whose header the worker could not
	 * parse: a JPEG as a progressive one with every component at full resolution, the
	 * costliest of that size.
	 */
	public static DecodeEstimate ofSize(byte[] source, Dimensions size, RenderSpec spec) {
		ImageFormat format = ImageFormat.sniff(source).orElse(null);
		if (format == ImageFormat.JPEG) {
			JpegFrame.Sampling full = new JpegFrame.Sampling(1, 1);
			return encoded(jpeg(new JpegFrame(size.width(), size.height(), true, List.of(full, full, full)), spec),
					size, spec);
		}
		return encoded(sized(format, source, size), size, spec);
	}

	/** The decode's cost and the encoders' working memory beside it. */
	private static DecodeEstimate encoded(DecodeEstimate decode, Dimensions size, RenderSpec spec) {
		long encoders = spec.encoderBytes(size);
		return (encoders == 0) ? decode : new DecodeEstimate(decode.pixels(), decode.bytes() + encoders,
				decode.coefficientBytes(), decode.whole());
	}

	/**
	 * An animation kept in WebP outputs costs every frame it decodes, all held at once:
	 * libvips decodes the frames into one image before resizing each.
	 */
	private static DecodeEstimate frames(DecodeEstimate frame, int frames, RenderSpec spec) {
		if (!spec.animates() || frames <= 1) {
			return frame;
		}
		int decoded = Math.min(frames, spec.maxFrames());
		return new DecodeEstimate(frame.pixels() * decoded, frame.bytes() * decoded, 0, true);
	}

	/** Any format but JPEG, whose scaled decode and coefficients {@link #jpeg} costs. */
	private static DecodeEstimate sized(@Nullable ImageFormat format, byte[] source, Dimensions size) {
		long pixels = size.pixels();
		long bytes = pixels * ((format == ImageFormat.PNG) ? pngBytesPerPixel(source) : BYTES_PER_PIXEL);
		boolean whole = switch (format) {
			case PNG -> isInterlaced(source);
			case GIF, HEIF, AVIF -> true;
			case null, default -> false;
		};
		return new DecodeEstimate(pixels, bytes, 0, whole);
	}

	/**
	 * The native memory the decode holds at once: a progressive JPEG's coefficients
	 * whichever the engine, and for a native engine the whole raster of what it decodes
	 * whole.
	 * @param nativeEngine whether the engine decodes in native memory (libvips)
	 */
	public long heldAtOnce(boolean nativeEngine) {
		return (nativeEngine && this.whole) ? this.bytes : this.coefficientBytes;
	}

	private static DecodeEstimate jpeg(JpegFrame frame, RenderSpec spec) {
		Dimensions size = new Dimensions(frame.width(), frame.height());
		// The larger of the two engines' decodes: the Java engine subsamples to twice the
		// largest rendition, libvips scales to the rendition itself.
		int scale = size.jpegScale(2L * spec.decodeSide(size));
		long decoded = Math.ceilDiv(size.width(), scale) * (long) Math.ceilDiv(size.height(), scale);
		long coefficients = frame.coefficientBytes();
		return new DecodeEstimate(size.pixels(), decoded * BYTES_PER_PIXEL + coefficients, coefficients);
	}

	/**
	 * From the IHDR chunk, which the PNG format puts first: the colour type says whether
	 * there is an alpha channel (4 grey and alpha, 6 RGBA) and how many samples, the bit
	 * depth whether they take two bytes.
	 */
	static int pngBytesPerPixel(byte[] png) {
		if (png.length < 26) {
			return BYTES_PER_PIXEL;
		}
		int bitDepth = png[24] & 0xFF;
		return switch (png[25]) {
			case 4, 6 -> PREMULTIPLIED_BYTES_PER_PIXEL;
			case 2 -> Math.max(BYTES_PER_PIXEL, 3 * ((bitDepth == 16) ? 2 : 1));
			default -> BYTES_PER_PIXEL;
		};
	}

	/** Whether the IHDR chunk says Adam7 interlacing. */
	private static boolean isInterlaced(byte[] png) {
		return png.length > 28 && png[28] == 1;
	}

	/** Width and height from the header, or null when it cannot be read. */
	private static @Nullable Dimensions dimensions(byte[] source) {
		try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(source))) {
			Iterator<ImageReader> readers = (input != null) ? ImageIO.getImageReaders(input) : null;
			if (readers == null || !readers.hasNext()) {
				return null;
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(input, true, true);
				return new Dimensions(reader.getWidth(0), reader.getHeight(0));
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			// Unreadable headers are the engine's to classify.
			return null;
		}
	}

}
