package dev.imageworker.imaging.vips;

import java.awt.image.BufferedImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.Dimensions;
import dev.imageworker.imaging.ExifOrientation;
import dev.imageworker.imaging.HeaderGuard;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.Pixels;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.Rendition;
import dev.imageworker.imaging.VariantObservation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The native engine: libvips decodes once with shrink-on-load, makes the image upright,
 * sRGB and 8-bit, and renders each rendition from the smallest whole image already
 * rendered: resized once, cropped for a cover (smartcrop), then encoded in each of its
 * formats. Animated GIF and WebP sources stay animated in WebP outputs. BMP and untagged
 * CMYK are decoded by the Java engine.
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

	/** The loaders of the formats that may be animated, by operation name. */
	private static final Map<ImageFormat, String> ANIMATION_LOADERS = Map.of(ImageFormat.GIF, "gifload_buffer",
			ImageFormat.WEBP, "webpload_buffer");

	/**
	 * Truncated or damaged data fails instead of rendering grey: a JPEG whose header
	 * claims more pixels than its data holds only raises a libjpeg warning.
	 */
	private static final String FAIL_ON = "warning";

	private static final double REDUCING_GAP = 2.0;

	/** WebP's own limit on a side. */
	private static final int WEBP_MAX_SIDE = 16383;

	/**
	 * CPU nanoseconds per pixel an AV1 encode takes at each effort, 0 to
	 * {@link dev.imageworker.config.Formats#AVIF_MAX_EFFORT}: twice what one core here
	 * measured (docs/imaging.md, "AVIF and the time limit"). libaom cannot be stopped
	 * once an encode has started, so one that would not end before the job's time limit
	 * is refused rather than started.
	 */
	private static final long[] AVIF_NANOS_PER_PIXEL = { 80, 150, 300, 800, 1600, 2500, 4000 };

	private final Vips vips;

	/** Decodes what libvips must not or does not read right: BMP and untagged CMYK. */
	private final JavaRenderEngine java;

	private final ObservationRegistry observations;

	/**
	 * @param observations where each rendition's rendering is observed
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
			return decodedByJava(source, spec, cancellation);
		}
		int orientation = ExifOrientation.read(format, source);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = copy(arena, source);
			Header header = header(arena, format, buffer);
			if (header.untaggedCmyk()) {
				// The Java engine's own handling; libvips' generic profile shifts colour.
				return decodedByJava(source, spec, cancellation);
			}
			String animationLoader = ANIMATION_LOADERS.get(format);
			int frames = (spec.animates() && animationLoader != null && header.pages() > 1)
					? Math.min(header.pages(), spec.maxFrames()) : 1;
			spec.checkPixels(header.size(), frames);
			Dimensions upright = ExifOrientation.swapsAxes(orientation) ? header.size().transposed() : header.size();
			Job job = new Job(arena, spec, cancellation, upright);
			MemorySegment base;
			if (frames > 1 && animationLoader != null) {
				base = job.frames(buffer, animationLoader, header, frames);
			}
			else if (format == ImageFormat.JPEG) {
				base = job.jpeg(buffer, header, orientation);
			}
			else {
				base = job.thumbnail(buffer, header);
			}
			return job.render(format, base, frames);
		}
	}

	/**
	 * Sources the Java engine decodes: rendered there where it can serve the spec (its
	 * own bytes, as always), else decoded there and rendered here.
	 */
	private Rendering decodedByJava(byte[] source, RenderSpec spec, Cancellation cancellation) {
		if (this.java.unsupported(spec).isEmpty()) {
			return this.java.render(source, spec, cancellation);
		}
		JavaRenderEngine.Upright upright = this.java.decodeUpright(source, spec, cancellation);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment base = image(arena, upright.image());
			return new Job(arena, spec, cancellation, upright.original()).render(upright.format(), base, 1);
		}
	}

	/**
	 * Every format the spec writes must encode here: libheif may lack an AV1 encoder, so
	 * each is tried once on a small image.
	 */
	@Override
	public List<String> unsupported(RenderSpec spec) {
		List<String> problems = new ArrayList<>();
		try (Arena arena = Arena.ofConfined()) {
			Job job = new Job(arena, spec, new Cancellation(), new Dimensions(16, 16));
			for (OutputFormat format : OutputFormat.values()) {
				if (!spec.uses(format)) {
					continue;
				}
				MemorySegment black = job.apply("cannot make a test image", "black",
						(op) -> op.set("width", 16).set("height", 16).set("bands", 3));
				try {
					job.save(black, new Rendition.Encoding(format, 50, 0));
				}
				catch (RuntimeException ex) {
					problems.add(format.id() + " outputs, which this libvips cannot write: " + ex.getMessage());
				}
				finally {
					this.vips.unref(black);
				}
			}
		}
		return problems;
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

	/** A decoded Java image as a libvips one: its RGB or RGBA pixels copied. */
	private MemorySegment image(Arena arena, BufferedImage image) {
		boolean alpha = image.getColorModel().hasAlpha();
		byte[] pixels = Pixels.interleaved(image, alpha);
		int bands = alpha ? 4 : 3;
		MemorySegment vipsImage = this.vips.image(arena, pixels, image.getWidth(), image.getHeight(), bands);
		if (vipsImage.equals(MemorySegment.NULL)) {
			throw new IllegalStateException("libvips did not take the decoded pixels: " + this.vips.takeErrors());
		}
		return vipsImage;
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
	 * What the header tells: the stored size, whether a colour profile is embedded,
	 * whether the pixels are CMYK, and how many frames the file holds.
	 */
	private record Header(Dimensions size, boolean iccProfile, boolean cmyk, int pages) {

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
			image = jpegload(arena, buffer, 1, "cannot read the JPEG header");
		}
		else {
			checkLoader(format, buffer);
			image = this.vips.newFromBuffer(buffer, arena.allocateFrom(""));
			if (image.equals(MemorySegment.NULL)) {
				throw corrupt("cannot read the " + format + " header: " + this.vips.takeErrors());
			}
		}
		try {
			return new Header(new Dimensions(this.vips.width(image), this.vips.height(image)),
					this.vips.has(arena, image, "icc-profile-data"),
					this.vips.interpretation(image) == Vips.INTERPRETATION_CMYK, this.vips.pages(image));
		}
		finally {
			this.vips.unref(image);
		}
	}

	/**
	 * Loads a JPEG with the JPEG loader itself, never another one libvips would sniff.
	 */
	private MemorySegment jpegload(Arena arena, MemorySegment buffer, int shrink, String failure) {
		return apply(arena, failure, "jpegload_buffer",
				(op) -> op.blob("buffer", buffer)
					.set("shrink", shrink)
					.set("fail-on", FAIL_ON)
					.set("access", "sequential"));
	}

	/** Runs an operation and returns its {@code out} image. */
	private MemorySegment apply(Arena arena, String failure, String operation, UnaryOperator<VipsOperation> arguments) {
		try (VipsOperation call = this.vips.operation(arena, operation)) {
			arguments.apply(call).build();
			return call.outputImage("out");
		}
		catch (VipsOperation.Failed ex) {
			throw corrupt(failure + ": " + ex.getMessage());
		}
	}

	private static PermanentFailure corrupt(String what) {
		return new PermanentFailure(FailureCode.CORRUPT_IMAGE, what);
	}

	/**
	 * One render: its arena, spec and cancellation, and the operations it runs. Every
	 * method returning an image hands the caller a reference of its own; those taking an
	 * image they say they consume drop the caller's.
	 */
	private final class Job {

		private final Arena arena;

		private final RenderSpec spec;

		private final Cancellation cancellation;

		/**
		 * The source's upright size, which every size but a longest side is taken from.
		 */
		private final Dimensions upright;

		private final Vips vips = VipsRenderEngine.this.vips;

		Job(Arena arena, RenderSpec spec, Cancellation cancellation, Dimensions upright) {
			this.arena = arena;
			this.spec = spec;
			this.cancellation = cancellation;
			this.upright = upright;
		}

		/**
		 * Renders every rendition, the largest scale first, each from the smallest whole
		 * image rendered before it; consumes the base.
		 */
		Rendering render(ImageFormat format, MemorySegment base, int frames) {
			List<Rendering.Output> outputs = new ArrayList<>();
			MemorySegment whole = base;
			Dimensions sides = new Dimensions(this.vips.width(base), this.vips.pageHeight(base));
			try {
				for (Rendition rendition : this.spec.largestFirst(this.upright)) {
					this.cancellation.check();
					Observation observation = VariantObservation.start(VipsRenderEngine.this.observations, name(),
							rendition);
					try (Observation.Scope _ = observation.openScope()) {
						Rendition.Target target = target(rendition, sides,
								new Dimensions(this.vips.width(whole), this.vips.pageHeight(whole)));
						if (rendition.sizing() == Rendition.Sizing.LONGEST_SIDE) {
							sides = target.size();
						}
						MemorySegment image = rendition(whole, target, rendition, frames);
						try {
							for (Rendition.Encoding encoding : rendition.encodings()) {
								outputs.add(encode(rendition, encoding, image, frames));
							}
						}
						catch (RuntimeException ex) {
							this.vips.unref(image);
							throw ex;
						}
						if (rendition.wholeImage()) {
							this.vips.unref(whole);
							whole = image;
						}
						else {
							this.vips.unref(image);
						}
					}
					catch (RuntimeException ex) {
						observation.error(ex);
						throw ex;
					}
					finally {
						observation.stop();
					}
				}
				return new Rendering(format, this.upright.width(), this.upright.height(), outputs,
						placeholder(whole, frames));
			}
			finally {
				this.vips.unref(whole);
			}
		}

		/**
		 * One rendition scaled from the whole image at hand, in memory, every frame of an
		 * animation.
		 */
		private MemorySegment rendition(MemorySegment whole, Rendition.Target target, Rendition rendition, int frames) {
			Dimensions size = new Dimensions(this.vips.width(whole), this.vips.pageHeight(whole));
			if (frames == 1) {
				MemorySegment scaled = scaled(whole, size, target.scaled());
				Dimensions crop = target.crop();
				return inMemory((crop != null) ? crop(scaled, crop, rendition) : scaled);
			}
			// Frame by frame, so that no frame bleeds into the next, and every frame cut
			// where smartcrop cut the first.
			List<MemorySegment> images = new ArrayList<>();
			try {
				@Nullable Dimensions offset = null;
				for (int i = 0; i < frames; i++) {
					MemorySegment frame = extract(whole, 0, i * size.height(), size);
					MemorySegment scaled;
					try {
						scaled = scaled(frame, size, target.scaled());
					}
					finally {
						this.vips.unref(frame);
					}
					Dimensions crop = target.crop();
					if (crop != null) {
						if (offset == null) {
							scaled = crop(scaled, crop, rendition);
							offset = this.vips.offset(scaled);
						}
						else {
							MemorySegment uncropped = scaled;
							try {
								scaled = extract(uncropped, offset.width(), offset.height(), crop);
							}
							finally {
								this.vips.unref(uncropped);
							}
						}
					}
					images.add(scaled);
				}
				MemorySegment joined = apply("cannot join the frames", "arrayjoin",
						(op) -> op.images("in", images).set("across", 1));
				MemorySegment animation = then(joined, "cannot copy the frames", "copy",
						(op) -> op.image("in", joined));
				this.vips.setIntItem(this.arena, animation, "page-height", target.size().height());
				return inMemory(animation);
			}
			finally {
				images.forEach(this.vips::unref);
			}
		}

		/**
		 * What a rendition makes of an image: a longest side is taken from the size of
		 * the image at hand (the decoded one, or the longest side rendered before it), as
		 * before variant specs, so that the default set renders the same bytes; every
		 * other size from the source's, so that its aspect ratio holds exactly. A cover
		 * beyond the source cuts its box at the scale of the image at hand.
		 */
		private Rendition.Target target(Rendition rendition, Dimensions sides, Dimensions current) {
			if (rendition.sizing() == Rendition.Sizing.LONGEST_SIDE) {
				return rendition.target(sides);
			}
			Rendition.Target target = rendition.target(this.upright);
			if (target.crop() != null && target.scaled().equals(this.upright)) {
				return rendition.target(current);
			}
			return target;
		}

		/** The image at the size: a new reference to it when it has that size already. */
		private MemorySegment scaled(MemorySegment image, Dimensions size, Dimensions target) {
			if (size.equals(target)) {
				this.vips.ref(image);
				return image;
			}
			return resized(image, size, target);
		}

		/**
		 * Resizes with Pillow's bicubic kernel rather than libvips' slower default
		 * Lanczos, as Pillow's thumbnail does; each side is scaled on its own, and a gap
		 * of {@value #REDUCING_GAP} makes libvips box-shrink by whole factors while more
		 * than that remains. Alpha is premultiplied around the resize, so transparent
		 * pixels do not darken their neighbours.
		 */
		private MemorySegment resized(MemorySegment image, Dimensions size, Dimensions target) {
			UnaryOperator<VipsOperation> resize = (op) -> op.set("scale", (double) target.width() / size.width())
				.set("vscale", (double) target.height() / size.height())
				.set("kernel", "cubic")
				.set("gap", REDUCING_GAP);
			if (!this.vips.hasAlpha(image)) {
				return apply("cannot scale", "resize", (op) -> resize.apply(op.image("in", image)));
			}
			MemorySegment premultiplied = apply("cannot scale", "premultiply", (op) -> op.image("in", image));
			MemorySegment resized = then(premultiplied, "cannot scale", "resize",
					(op) -> resize.apply(op.image("in", premultiplied)));
			MemorySegment straight = then(resized, "cannot scale", "unpremultiply", (op) -> op.image("in", resized));
			return then(straight, "cannot scale", "cast", (op) -> op.image("in", straight).set("format", "uchar"));
		}

		/** The cover's box, where its crop says; consumes the image. */
		private MemorySegment crop(MemorySegment image, Dimensions box, Rendition rendition) {
			return then(image, "cannot crop", "smartcrop",
					(op) -> op.image("input", image)
						.set("width", box.width())
						.set("height", box.height())
						.set("interesting", rendition.crop().name().toLowerCase(Locale.ROOT)));
		}

		private MemorySegment extract(MemorySegment image, int left, int top, Dimensions size) {
			return apply("cannot extract", "extract_area",
					(op) -> op.image("input", image)
						.set("left", left)
						.set("top", top)
						.set("width", size.width())
						.set("height", size.height()));
		}

		/**
		 * The JPEG decoded at the DCT scale that still covers the largest rendition, as
		 * Pillow's draft mode does (libvips' own shrink-on-load keeps a factor of two
		 * more), resized to it, converted to sRGB from an embedded profile, and made
		 * upright; in memory, so that the renditions scale from it instead of decoding
		 * again.
		 */
		MemorySegment jpeg(MemorySegment buffer, Header header, int orientation) {
			Rendition largest = this.spec.largest(this.upright);
			MemorySegment decoded = jpegload(this.arena, buffer,
					header.size().jpegScale(largest.target(this.upright).scaled().longestSide()), "cannot decode");
			Dimensions stored = new Dimensions(this.vips.width(decoded), this.vips.height(decoded));
			boolean swaps = ExifOrientation.swapsAxes(orientation);
			Dimensions decodedUpright = swaps ? stored.transposed() : stored;
			Dimensions target = target(largest, decodedUpright, decodedUpright).scaled();
			MemorySegment sized;
			try {
				sized = scaled(decoded, stored, swaps ? target.transposed() : target);
			}
			finally {
				this.vips.unref(decoded);
			}
			MemorySegment srgb = header.iccProfile() ? then(sized, "cannot convert to sRGB", "icc_transform",
					(op) -> op.image("in", sized).set("output-profile", "srgb").set("embedded", true)) : sized;
			MemorySegment memory = inMemory(prepared(srgb));
			if (orientation == ExifOrientation.UPRIGHT) {
				return memory;
			}
			// Rotating needs the whole image, which a sequential decode does not keep.
			return inMemory(then(memory, "cannot rotate", "autorot", (op) -> op.image("in", memory)));
		}

		/**
		 * Any other format through libvips' thumbnail, which shrinks on load where the
		 * format allows it, converts from an embedded profile and makes the image
		 * upright. Only an embedded profile is converted: libvips 8.14 shifts the colours
		 * of untagged RGB when asked to export sRGB.
		 */
		MemorySegment thumbnail(MemorySegment buffer, Header header) {
			Dimensions box = this.spec.largest(this.upright).fitBox(this.upright);
			MemorySegment image = apply("cannot decode", "thumbnail_buffer", (op) -> {
				op.blob("buffer", buffer)
					.set("width", box.width())
					.set("height", box.height())
					.set("size", "down")
					.set("option-string", "fail_on=" + FAIL_ON);
				return header.iccProfile() ? op.set("export-profile", "srgb") : op;
			});
			return inMemory(prepared(image));
		}

		/** Every frame of an animation, at full size: no loader shrinks them on load. */
		MemorySegment frames(MemorySegment buffer, String loader, Header header, int frames) {
			MemorySegment image = apply("cannot decode", loader,
					(op) -> op.blob("buffer", buffer)
						.set("n", frames)
						.set("fail-on", FAIL_ON)
						.set("access", "sequential"));
			MemorySegment srgb = header.iccProfile() ? then(image, "cannot convert to sRGB", "icc_transform",
					(op) -> op.image("in", image).set("output-profile", "srgb").set("embedded", true)) : image;
			return inMemory(prepared(srgb));
		}

		/**
		 * sRGB and 8-bit, and flattened onto the background unless an output keeps alpha;
		 * consumes the image.
		 */
		private MemorySegment prepared(MemorySegment image) {
			MemorySegment srgb = then(image, "cannot convert to sRGB", "colourspace",
					(op) -> op.image("in", image).set("space", "srgb"));
			if (this.spec.keepsAlpha() || !this.vips.hasAlpha(srgb)) {
				return srgb;
			}
			return flattened(srgb);
		}

		/** Flattened onto the background; consumes the image. */
		private MemorySegment flattened(MemorySegment image) {
			int[] rgb = this.spec.background();
			return then(image, "cannot flatten", "flatten",
					(op) -> op.image("in", image).doubles("background", rgb[0], rgb[1], rgb[2]));
		}

		private Rendering.Output encode(Rendition rendition, Rendition.Encoding encoding, MemorySegment image,
				int frames) {
			boolean animated = frames > 1 && encoding.format() == OutputFormat.WEBP;
			Dimensions size = new Dimensions(this.vips.width(image), this.vips.pageHeight(image));
			if (encoding.format() == OutputFormat.WEBP && size.longestSide() > WEBP_MAX_SIDE) {
				throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE, rendition.name() + " would be " + size.width()
						+ "x" + size.height() + ", more than WebP holds (" + WEBP_MAX_SIDE + " a side)");
			}
			if (encoding.format() == OutputFormat.AVIF) {
				requireTimeFor(rendition, size, encoding.effort());
			}
			MemorySegment input;
			if (frames > 1 && !animated) {
				input = extract(image, 0, 0, size);
			}
			else {
				this.vips.ref(image);
				input = image;
			}
			if (!encoding.format().keepsAlpha() && this.vips.hasAlpha(input)) {
				input = flattened(input);
			}
			try {
				long start = System.nanoTime();
				byte[] bytes = save(input, encoding);
				return new Rendering.Output(rendition.name(), encoding.format(), size.width(), size.height(),
						animated ? frames : null, bytes, System.nanoTime() - start);
			}
			finally {
				this.vips.unref(input);
			}
		}

		/**
		 * Refuses an AV1 encode that would run past the job's time limit: once started it
		 * cannot be stopped, and the render would hold its thread and memory beyond the
		 * limit.
		 */
		private void requireTimeFor(Rendition rendition, Dimensions size, int effort) {
			Duration needed = Duration
				.ofNanos(size.pixels() * AVIF_NANOS_PER_PIXEL[Math.min(effort, AVIF_NANOS_PER_PIXEL.length - 1)]);
			Duration left = this.cancellation.remaining();
			if (needed.compareTo(left) > 0) {
				throw new PermanentFailure(FailureCode.PROCESSING_TIMEOUT,
						"the AVIF " + rendition.name() + " (" + size.width() + "x" + size.height() + " at effort "
								+ effort + ") takes up to " + needed.toSeconds() + " s to encode, which cannot be "
								+ "stopped, and the job has " + left.toSeconds() + " s left");
			}
		}

		/**
		 * Encodes without any metadata (EXIF, XMP, GPS, the profile: the pixels are
		 * sRGB). The image is killed on cancellation, which stops its evaluation; an AV1
		 * encode that has started runs to its end (libaom has no way to stop it), which
		 * bounds AVIF's effort.
		 */
		byte[] save(MemorySegment image, Rendition.Encoding encoding) {
			UnaryOperator<VipsOperation> arguments = switch (encoding.format()) {
				case JPEG -> (op) -> op.set("Q", encoding.quality());
				case PNG -> (op) -> op;
				case WEBP -> (op) -> op.set("Q", encoding.quality()).set("effort", encoding.effort());
				case AVIF -> (op) -> op.set("Q", encoding.quality())
					.set("effort", encoding.effort())
					.set("compression", "av1")
					.set("bitdepth", 8);
			};
			String saver = switch (encoding.format()) {
				case JPEG -> "jpegsave_buffer";
				case PNG -> "pngsave_buffer";
				case WEBP -> "webpsave_buffer";
				case AVIF -> "heifsave_buffer";
			};
			try (Cancellation.Stage _ = this.cancellation.stage(() -> this.vips.kill(image));
					VipsOperation save = this.vips.operation(this.arena, saver)) {
				arguments.apply(save.image("in", image).set("strip", true)).build();
				byte[] bytes = save.outputBytes("buffer");
				return (encoding.format() == OutputFormat.WEBP) ? WebpMetadata.strip(bytes) : bytes;
			}
			catch (VipsOperation.Failed ex) {
				this.cancellation.check();
				throw new IllegalStateException(
						"libvips could not encode " + encoding.format().id() + ": " + ex.getMessage(), ex);
			}
		}

		/**
		 * The ThumbHash and dominant colour of a copy of at most 100x100 pixels of the
		 * smallest whole image rendered (its first frame), never a second decode.
		 */
		private Placeholder placeholder(MemorySegment whole, int frames) {
			Dimensions size = new Dimensions(this.vips.width(whole), this.vips.pageHeight(whole));
			MemorySegment first;
			if (frames > 1) {
				first = extract(whole, 0, 0, size);
			}
			else {
				this.vips.ref(whole);
				first = whole;
			}
			Dimensions copySize = Placeholder.copySize(size.width(), size.height());
			MemorySegment copy;
			try {
				copy = scaled(first, size, copySize);
			}
			finally {
				this.vips.unref(first);
			}
			MemorySegment rgba = (this.vips.bands(copy) == 4) ? copy
					: then(copy, "cannot add alpha", "bandjoin_const", (op) -> op.image("in", copy).doubles("c", 255));
			try {
				byte[] pixels = this.vips.pixels(this.arena, rgba);
				if (pixels == null) {
					throw new IllegalStateException("cannot copy the placeholder's pixels: " + this.vips.takeErrors());
				}
				return Placeholder.of(copySize.width(), copySize.height(), pixels);
			}
			finally {
				this.vips.unref(rgba);
			}
		}

		/**
		 * Runs the lazy pipeline ending in the image, where the decoding happens and
		 * damaged data is detected; a cancellation kills the image, which stops the
		 * evaluation at the next strip. Consumes the image.
		 */
		private MemorySegment inMemory(MemorySegment image) {
			try {
				MemorySegment memory;
				try (Cancellation.Stage _ = this.cancellation.stage(() -> this.vips.kill(image))) {
					memory = this.vips.copyMemory(image);
				}
				if (memory.equals(MemorySegment.NULL)) {
					String errors = this.vips.takeErrors();
					this.cancellation.check();
					throw corrupt("cannot decode: " + errors);
				}
				return memory;
			}
			finally {
				this.vips.unref(image);
			}
		}

		MemorySegment apply(String failure, String operation, UnaryOperator<VipsOperation> arguments) {
			return VipsRenderEngine.this.apply(this.arena, failure, operation, arguments);
		}

		/**
		 * Runs an operation on the input, then drops the caller's reference to the input.
		 */
		private MemorySegment then(MemorySegment input, String failure, String operation,
				UnaryOperator<VipsOperation> arguments) {
			try {
				return apply(failure, operation, arguments);
			}
			finally {
				this.vips.unref(input);
			}
		}

	}

}
