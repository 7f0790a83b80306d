package dev.imageworker.imaging.vips;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.Dimensions;
import dev.imageworker.imaging.ExifOrientation;
import dev.imageworker.imaging.HeaderGuard;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.Variant;
import dev.imageworker.imaging.VariantObservation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * The native engine: libvips decodes with shrink-on-load, auto-rotates, converts to sRGB,
 * flattens onto white and encodes, called through the FFM API. BMP and untagged CMYK go
 * to the Java engine.
 */
public class VipsRenderEngine implements RenderEngine {

	/**
	 * The libvips loader each sniffed format must reach: the loader libvips picks is
	 * checked against the magic bytes, besides the loaders blocked at start-up. BMP is
	 * not here: libvips reads it only through ImageMagick, whose loader is blocked.
	 */
	private static final Map<ImageFormat, String> LOADERS = Map.of(ImageFormat.JPEG, "jpeg", ImageFormat.PNG, "png",
			ImageFormat.GIF, "gif", ImageFormat.WEBP, "webp", ImageFormat.TIFF, "tiff", ImageFormat.HEIF, "heif",
			ImageFormat.AVIF, "heif");

	/**
	 * Truncated or damaged data fails instead of rendering grey: a JPEG whose header
	 * claims more pixels than its data holds only raises a libjpeg warning.
	 */
	private static final String LOAD_OPTIONS = "fail_on=warning";

	private static final double REDUCING_GAP = 2.0;

	private final Vips vips;

	/** Renders what libvips must not or does not read right: BMP and untagged CMYK. */
	private final JavaRenderEngine java;

	private final ObservationRegistry observations;

	/**
	 * @param observations where each variant's rendering is observed
	 * @throws IllegalStateException when libvips is missing, older than 8.13 or does not
	 * start
	 */
	public VipsRenderEngine(ObservationRegistry observations) {
		this.vips = Vips.load();
		this.java = new JavaRenderEngine(observations);
		this.observations = observations;
	}

	@Override
	public String name() {
		return "vips";
	}

	@Override
	public Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation) {
		// Before the BMP goes to the Java engine, which would ask the same.
		ImageFormat format = HeaderGuard.require(source);
		if (format == ImageFormat.BMP) {
			return this.java.render(source, spec, cancellation);
		}
		int orientation = ExifOrientation.read(format, source);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = copy(arena, source);
			Header header = header(arena, format, buffer);
			Dimensions original = header.size();
			spec.checkPixels(original);
			if (header.untaggedCmyk()) {
				// The Java engine's own handling; libvips' generic profile shifts colour.
				return this.java.render(source, spec, cancellation);
			}
			Dimensions upright = ExifOrientation.swapsAxes(orientation) ? original.transposed() : original;

			List<Rendering.RenderedVariant> variants = new ArrayList<>();
			MemorySegment previous = MemorySegment.NULL;
			try {
				for (Variant variant : spec.variants()) {
					cancellation.check();
					Observation observation = VariantObservation.start(this.observations, name(), variant);
					try (Observation.Scope _ = observation.openScope()) {
						MemorySegment image = previous.equals(MemorySegment.NULL)
								? largest(arena, buffer, format, header, orientation, variant, cancellation)
								: smaller(arena, previous, variant, cancellation);
						this.vips.unref(previous);
						previous = image;
						variants.add(new Rendering.RenderedVariant(variant.name(), this.vips.width(image),
								this.vips.height(image), encode(arena, image, spec.jpegQuality())));
					}
					catch (RuntimeException ex) {
						observation.error(ex);
						throw ex;
					}
					finally {
						observation.stop();
					}
				}
			}
			finally {
				this.vips.unref(previous);
			}
			return new Rendering(format, upright.width(), upright.height(), variants);
		}
	}

	/**
	 * Reads the size from libvips' lazy header, as {@link #render} does before decoding:
	 * the same loaders, none of the blocked ones, no pixel decoded.
	 */
	@Override
	public Optional<Dimensions> headerSize(byte[] source) {
		Optional<ImageFormat> format = ImageFormat.sniff(source);
		if (format.isEmpty()) {
			return Optional.empty();
		}
		if (format.get() == ImageFormat.BMP) {
			return this.java.headerSize(source);
		}
		try (Arena arena = Arena.ofConfined()) {
			return Optional.of(header(arena, format.get(), copy(arena, source)).size());
		}
		catch (PermanentFailure ex) {
			return Optional.empty();
		}
	}

	private static MemorySegment copy(Arena arena, byte[] source) {
		MemorySegment buffer = arena.allocate(source.length);
		MemorySegment.copy(source, 0, buffer, ValueLayout.JAVA_BYTE, 0, source.length);
		return buffer;
	}

	private void checkLoader(ImageFormat format, MemorySegment buffer) {
		String loader = this.vips.findLoader(buffer);
		this.vips.takeErrors();
		if (loader == null || !loader.toLowerCase(Locale.ROOT).contains(LOADERS.get(format))) {
			throw new PermanentFailure(FailureCode.UNSUPPORTED_FORMAT,
					format + " images are not supported" + ((loader != null) ? " (libvips picks " + loader + ")" : ""));
		}
	}

	/**
	 * What the header tells: the stored size, whether a colour profile is embedded and
	 * whether the pixels are CMYK.
	 */
	private record Header(Dimensions size, boolean iccProfile, boolean cmyk) {

		boolean untaggedCmyk() {
			return this.cmyk && !this.iccProfile;
		}

	}

	/**
	 * Reads the header only: the image is lazy, no pixel is decoded here. JPEGs go to the
	 * JPEG loader directly; other formats are sniffed by libvips, so the loader it picks
	 * is checked first.
	 */
	private Header header(Arena arena, ImageFormat format, MemorySegment buffer) {
		MemorySegment image;
		if (format == ImageFormat.JPEG) {
			image = load(arena, buffer, 1, "cannot read the JPEG header");
		}
		else {
			checkLoader(format, buffer);
			image = this.vips.newFromBuffer(buffer, arena.allocateFrom(""));
			if (image.equals(MemorySegment.NULL)) {
				throw corrupt("cannot read the " + format + " header");
			}
		}
		try {
			return new Header(new Dimensions(this.vips.width(image), this.vips.height(image)),
					this.vips.has(arena, image, "icc-profile-data"),
					this.vips.interpretation(image) == Vips.INTERPRETATION_CMYK);
		}
		finally {
			this.vips.unref(image);
		}
	}

	private MemorySegment load(Arena arena, MemorySegment buffer, int shrink, String failure) {
		return run(failure, (out) -> this.vips.jpegloadBuffer(arena, buffer, out, shrink, Vips.FAIL_ON_WARNING,
				Vips.ACCESS_SEQUENTIAL), arena);
	}

	/**
	 * Decodes once, then makes the result upright, sRGB and opaque, in memory so that
	 * smaller variants scale from it instead of decoding again.
	 * <p>
	 * JPEGs are decoded at the DCT scale that still covers the variant, as Pillow's draft
	 * mode does (libvips' own shrink-on-load keeps a factor of two more), then resized
	 * with Pillow's bicubic kernel rather than libvips' slower default Lanczos, as
	 * Pillow's thumbnail does; colour conversion and rotation run on the smaller image.
	 * Other formats go through libvips' thumbnail, which shrinks on load where the format
	 * allows it.
	 * <p>
	 * Only an embedded profile is converted to sRGB: libvips 8.14 shifts the colours of
	 * untagged RGB when asked to export sRGB. Untagged CMYK never comes here.
	 */
	private MemorySegment largest(Arena arena, MemorySegment buffer, ImageFormat format, Header header, int orientation,
			Variant variant, Cancellation cancellation) {
		MemorySegment image;
		if (format == ImageFormat.JPEG) {
			MemorySegment decoded = load(arena, buffer, header.size().jpegScale(variant.longestSide()),
					"cannot decode");
			MemorySegment sized = scaleDown(arena, decoded, variant.longestSide());
			image = header.iccProfile() ? then(sized, "cannot convert to sRGB",
					(out) -> this.vips.iccTransform(arena, sized, out, "srgb"), arena) : sized;
		}
		else {
			image = run("cannot decode", (out) -> this.vips.thumbnailBuffer(arena, buffer, out, variant.longestSide(),
					header.iccProfile() ? "srgb" : null, LOAD_OPTIONS), arena);
		}
		MemorySegment decoded = image;
		MemorySegment srgb = then(decoded, "cannot convert to sRGB",
				(out) -> this.vips.colourspace(decoded, out, Vips.INTERPRETATION_SRGB), arena);
		MemorySegment opaque = srgb;
		if (this.vips.hasAlpha(srgb)) {
			opaque = then(srgb, "cannot flatten", (out) -> this.vips.flattenOnto(arena, srgb, out, 255.0, 255.0, 255.0),
					arena);
		}
		MemorySegment memory = inMemory(opaque, cancellation);
		if (format != ImageFormat.JPEG || orientation == 1) {
			// libvips' thumbnail rotates on its own.
			return memory;
		}
		// Rotating needs the whole image, which a sequential decode does not keep.
		return inMemory(then(memory, "cannot rotate", (out) -> this.vips.autorot(memory, out), arena), cancellation);
	}

	private MemorySegment smaller(Arena arena, MemorySegment previous, Variant variant, Cancellation cancellation) {
		this.vips.ref(previous);
		return inMemory(scaleDown(arena, previous, variant.longestSide()), cancellation);
	}

	/**
	 * Resizes so that the longest side is the given one, unless it is already no longer;
	 * takes over the caller's reference to the image.
	 * <p>
	 * Each side is rounded on its own, and a gap of {@value #REDUCING_GAP} makes libvips
	 * box-shrink by whole factors while more than that remains, as Pillow's
	 * {@code thumbnail} does, before the bicubic kernel does the rest.
	 */
	private MemorySegment scaleDown(Arena arena, MemorySegment image, int longestSide) {
		int width = this.vips.width(image);
		int height = this.vips.height(image);
		Dimensions target = new Dimensions(width, height).fitWithin(longestSide);
		if (target.width() == width && target.height() == height) {
			return image;
		}
		return then(image, "cannot scale", (out) -> this.vips.resize(arena, image, out, (double) target.width() / width,
				(double) target.height() / height, Vips.KERNEL_CUBIC, REDUCING_GAP), arena);
	}

	/**
	 * Runs the lazy pipeline ending in the image, where the decoding happens and damaged
	 * data is detected; a cancellation kills the image, which stops the evaluation at the
	 * next strip.
	 */
	private MemorySegment inMemory(MemorySegment image, Cancellation cancellation) {
		try {
			MemorySegment memory;
			try (Cancellation.Stage _ = cancellation.stage(() -> this.vips.kill(image))) {
				memory = this.vips.copyMemory(image);
			}
			if (memory.equals(MemorySegment.NULL)) {
				if (cancellation.isCancelled()) {
					this.vips.takeErrors();
					cancellation.check();
				}
				throw corrupt("cannot decode");
			}
			return memory;
		}
		finally {
			this.vips.unref(image);
		}
	}

	private byte[] encode(Arena arena, MemorySegment image, int quality) {
		MemorySegment data = arena.allocate(ValueLayout.ADDRESS);
		MemorySegment length = arena.allocate(ValueLayout.JAVA_LONG);
		if (this.vips.jpegsaveBuffer(arena, image, data, length, quality) != 0) {
			throw new IllegalStateException("libvips JPEG encoding failed: " + this.vips.takeErrors());
		}
		MemorySegment jpeg = Vips.pointer(data);
		try {
			return jpeg.reinterpret(length.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
		}
		finally {
			this.vips.free(jpeg);
		}
	}

	/** Runs an operation writing its output image into a fresh cell. */
	private MemorySegment run(String failure, Function<MemorySegment, Integer> operation, Arena arena) {
		MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
		if (operation.apply(out) != 0) {
			throw corrupt(failure);
		}
		return Vips.pointer(out);
	}

	/** Runs an operation on the input, then drops the caller's reference to the input. */
	private MemorySegment then(MemorySegment input, String failure, Function<MemorySegment, Integer> operation,
			Arena arena) {
		try {
			return run(failure, operation, arena);
		}
		finally {
			this.vips.unref(input);
		}
	}

	private PermanentFailure corrupt(String what) {
		return new PermanentFailure(FailureCode.CORRUPT_IMAGE, what + ": " + this.vips.takeErrors());
	}

}
