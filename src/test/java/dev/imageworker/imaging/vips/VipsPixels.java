package dev.imageworker.imaging.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.UnaryOperator;

/**
 * Pixels for the benchmarks that compare outputs with a reference
 * ({@code dev.imageworker.bench}): any image libvips reads decoded as it is, and the
 * exact reference of a photo at a given size. Through the engine's own libvips binding,
 * with libvips' threading as the worker sets it.
 */
public final class VipsPixels {

	private VipsPixels() {
	}

	/**
	 * Interleaved 8-bit sRGB pixels.
	 *
	 * @param width pixels per row
	 * @param height rows
	 * @param rgb three bytes a pixel, row by row
	 */
	public record Rgb(int width, int height, byte[] rgb) {
	}

	/**
	 * An encoded image (JPEG, PNG, WebP, AVIF) decoded with nothing else done to it: no
	 * resize, no colour conversion, the first frame; it must be opaque RGB.
	 */
	public static Rgb decode(byte[] encoded) {
		Vips vips = Vips.load();
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = arena.allocate(encoded.length);
			MemorySegment.copy(encoded, 0, buffer, ValueLayout.JAVA_BYTE, 0, encoded.length);
			MemorySegment image = vips.newFromBuffer(buffer, arena.allocateFrom(""));
			if (image.equals(MemorySegment.NULL)) {
				throw new IllegalArgumentException("libvips cannot read it: " + vips.takeErrors());
			}
			return rgb(vips, arena, image);
		}
	}

	/**
	 * The exact reference of a JPEG photo at a size, which no shortcut of a renderer
	 * touched: decoded at full resolution, converted to sRGB from its embedded profile,
	 * made upright, and resized straight to the size with libvips' best kernel (Lanczos
	 * 3, no box shrink before it).
	 */
	public static Rgb reference(byte[] jpeg, int width, int height) {
		Vips vips = Vips.load();
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = arena.allocate(jpeg.length);
			MemorySegment.copy(jpeg, 0, buffer, ValueLayout.JAVA_BYTE, 0, jpeg.length);
			MemorySegment image = apply(vips, arena, "jpegload_buffer", (op) -> op.blob("buffer", buffer));
			if (vips.has(arena, image, "icc-profile-data")) {
				MemorySegment tagged = image;
				image = then(vips, tagged, arena, "icc_transform",
						(op) -> op.image("in", tagged).set("output-profile", "srgb").set("embedded", true));
			}
			MemorySegment rotated = image;
			MemorySegment upright = then(vips, rotated, arena, "autorot", (op) -> op.image("in", rotated));
			MemorySegment srgb = then(vips, upright, arena, "colourspace",
					(op) -> op.image("in", upright).set("space", "srgb"));
			double scale = (double) width / vips.width(srgb);
			double vscale = (double) height / vips.height(srgb);
			MemorySegment resized = then(vips, srgb, arena, "resize",
					(op) -> op.image("in", srgb).set("scale", scale).set("vscale", vscale).set("kernel", "lanczos3"));
			if (vips.width(resized) != width || vips.height(resized) != height) {
				int got = vips.width(resized);
				int gotHeight = vips.height(resized);
				vips.unref(resized);
				throw new IllegalStateException(
						"resized to " + got + "x" + gotHeight + " instead of " + width + "x" + height);
			}
			return rgb(vips, arena, resized);
		}
	}

	/** The pixels of an opaque 8-bit RGB image; consumes it. */
	private static Rgb rgb(Vips vips, Arena arena, MemorySegment image) {
		try {
			if (vips.bands(image) != 3) {
				throw new IllegalArgumentException(vips.bands(image) + " bands, not RGB");
			}
			byte[] pixels = vips.pixels(arena, image);
			if (pixels == null) {
				throw new IllegalStateException("libvips cannot decode it: " + vips.takeErrors());
			}
			return new Rgb(vips.width(image), vips.height(image), pixels);
		}
		finally {
			vips.unref(image);
		}
	}

	private static MemorySegment apply(Vips vips, Arena arena, String operation,
			UnaryOperator<VipsOperation> arguments) {
		try (VipsOperation call = vips.operation(arena, operation)) {
			arguments.apply(call).build();
			return call.outputImage("out");
		}
	}

	/** Runs the operation, then drops the reference to its input. */
	private static MemorySegment then(Vips vips, MemorySegment input, Arena arena, String operation,
			UnaryOperator<VipsOperation> arguments) {
		try {
			return apply(vips, arena, operation, arguments);
		}
		finally {
			vips.unref(input);
		}
	}

}
