package dev.imageworker.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.regex.Pattern;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.imageworker.config.OutputFormat;
import dev.imageworker.config.VariantSpec;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import net.coobird.thumbnailator.Thumbnails;
import org.jspecify.annotations.Nullable;

/**
 * The pure-Java engine: TwelveMonkeys ImageIO readers decode, Thumbnailator scales, the
 * JDK encodes JPEG and PNG. Always available; WebP and AVIF outputs and smartcrop need
 * libvips.
 */
public class JavaRenderEngine implements RenderEngine {

	/**
	 * The JDK's switch for the BMP reader's linked colour profiles: a BMP that names a
	 * profile by path makes the reader open that path. Off by default since JDK 17.0.6;
	 * set here, before any BMP is read, so that no flag can turn it back on.
	 */
	static final String LINKED_BMP_PROFILES = "sun.imageio.bmp.enableLinkedProfiles";

	static {
		// Keep ImageIO's stream caches in memory: the container's root filesystem is
		// read-only.
		ImageIO.setUseCache(false);
		System.setProperty(LINKED_BMP_PROFILES, "false");
	}

	/**
	 * Reader warnings that mean the pixels are not all there. Others are informational
	 * (TwelveMonkeys warns, for instance, when it converts CMYK without an embedded
	 * profile) and must not fail a good image.
	 */
	private static final Pattern DAMAGE = Pattern
		.compile("(?i)premature end|corrupt|truncat|unexpected end|end of (file|stream)|missing");

	/**
	 * The TwelveMonkeys WebP reader decodes the whole image before any subsampling, its
	 * full raster on the heap for each job; above this size the engine refuses a WebP
	 * rather than take that much heap. Other readers subsample while decoding.
	 */
	static final long WHOLE_DECODE_MAX_PIXELS = 25_000_000;

	private final ObservationRegistry observations;

	/**
	 * @param observations where each variant's rendering is observed
	 */
	public JavaRenderEngine(ObservationRegistry observations) {
		this.observations = observations;
	}

	@Override
	public String name() {
		return "java";
	}

	@Override
	public boolean decodesOnHeap() {
		return true;
	}

	@Override
	public Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation) {
		Upright upright = decodeUpright(source, spec, cancellation);
		boolean alpha = upright.image().getColorModel().hasAlpha();
		List<Rendering.Output> outputs = new ArrayList<>();
		BufferedImage whole = upright.image();
		for (Rendition rendition : spec.largestFirst(upright.original())) {
			cancellation.check();
			Rendition.Target target = rendition.target(upright.original());
			Observation observation = VariantObservation.start(this.observations, name(), rendition);
			try (Observation.Scope _ = observation.openScope()) {
				BufferedImage scaled = scale(whole, target.scaled(), alpha);
				BufferedImage output = (target.crop() != null) ? centre(scaled, target.crop()) : scaled;
				for (Rendition.Encoding encoding : rendition.encodings()) {
					outputs.add(encode(rendition, encoding, output, spec));
				}
				if (rendition.wholeImage()) {
					whole = scaled;
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
		return new Rendering(upright.format(), upright.original().width(), upright.original().height(), outputs,
				placeholder(whole));
	}

	/**
	 * WebP and AVIF have no encoder here, and smartcrop is libvips'; a spec asking for
	 * them needs the libvips engine.
	 */
	@Override
	public List<String> unsupported(RenderSpec spec) {
		Map<String, Set<String>> needs = new TreeMap<>();
		for (Rendition rendition : spec.renditions()) {
			for (Rendition.Encoding encoding : rendition.encodings()) {
				if (encoding.format() != OutputFormat.JPEG && encoding.format() != OutputFormat.PNG) {
					needs.computeIfAbsent(rendition.variant(), (variant) -> new TreeSet<>())
						.add(encoding.format().id() + " output");
				}
			}
			if (rendition.sizing() == Rendition.Sizing.COVER && rendition.crop() != VariantSpec.Crop.CENTRE) {
				needs.computeIfAbsent(rendition.variant(), (variant) -> new TreeSet<>())
					.add("crop " + rendition.crop().name().toLowerCase(Locale.ROOT));
			}
		}
		return needs.entrySet()
			.stream()
			.map((need) -> "image-worker.variants." + need.getKey() + ": " + String.join(" and ", need.getValue())
					+ " needs the libvips engine")
			.toList();
	}

	/**
	 * The decoded image, upright, sRGB and 8-bit: with its alpha where the spec keeps
	 * alpha somewhere, else flattened onto the spec's background. Subsampled while
	 * decoding where the renditions need less.
	 *
	 * @param format the source format
	 * @param image the pixels
	 * @param original the upright size the header declares
	 */
	public record Upright(ImageFormat format, BufferedImage image, Dimensions original) {
	}

	/** Decodes for a render, this engine's or another's. */
	public Upright decodeUpright(byte[] source, RenderSpec spec, Cancellation cancellation) {
		ImageFormat format = HeaderGuard.require(source);
		int orientation = ExifOrientation.read(format, source);
		Decoded decoded = decode(format, source, spec, cancellation);
		cancellation.check();
		BufferedImage pixels = (spec.keepsAlpha() && decoded.image().getColorModel().hasAlpha())
				? convert(decoded.image(), BufferedImage.TYPE_INT_ARGB, null)
				: flatten(decoded.image(), spec.background());
		Dimensions original = ExifOrientation.swapsAxes(orientation) ? decoded.original().transposed()
				: decoded.original();
		return new Upright(format, Orientation.apply(pixels, orientation), original);
	}

	/** The size the ImageIO reader of the format reads, as {@link #render} checks it. */
	@Override
	public Optional<Dimensions> headerSize(byte[] source) {
		Optional<ImageFormat> format = ImageFormat.sniff(source);
		if (format.isEmpty()) {
			return Optional.empty();
		}
		try {
			ImageReader reader = readerFor(format.get());
			try (ImageInputStream input = new ByteArrayImageInputStream(source)) {
				reader.setInput(input, true, true);
				return Optional.of(new Dimensions(reader.getWidth(0), reader.getHeight(0)));
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			// A missing reader (PermanentFailure) or a header it cannot parse.
			return Optional.empty();
		}
	}

	/** Decoded pixels, possibly subsampled, and the size the header declares. */
	private record Decoded(BufferedImage image, Dimensions original) {
	}

	private Decoded decode(ImageFormat format, byte[] source, RenderSpec spec, Cancellation cancellation) {
		ImageReader reader = readerFor(format);
		List<String> warnings = new ArrayList<>();
		boolean disposable = true;
		try (ImageInputStream input = new ByteArrayImageInputStream(source)) {
			reader.setInput(input, true, true);
			Dimensions size = new Dimensions(reader.getWidth(0), reader.getHeight(0));
			spec.checkPixels(size);
			if (format == ImageFormat.WEBP && size.pixels() > WHOLE_DECODE_MAX_PIXELS) {
				throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE, size.width() + "x" + size.height()
						+ " is more than the Java engine decodes of a WebP (" + WHOLE_DECODE_MAX_PIXELS + " pixels)");
			}
			ImageReadParam param = reader.getDefaultReadParam();
			int subsampling = subsampling(size, spec.decodeSide(size));
			if (subsampling > 1) {
				param.setSourceSubsampling(subsampling, subsampling, 0, 0);
			}
			reader.addIIOReadWarningListener((r, warning) -> {
				if (DAMAGE.matcher(warning).find()) {
					warnings.add(warning);
				}
			});
			BufferedImage image;
			// An aborted reader returns what it decoded so far, so the check follows.
			try (Cancellation.Stage _ = cancellation.stage(reader::abort)) {
				image = reader.read(0, param);
			}
			cancellation.check();
			if (!warnings.isEmpty()) {
				throw new PermanentFailure(FailureCode.CORRUPT_IMAGE,
						"damaged " + format + " data: " + String.join("; ", warnings));
			}
			return new Decoded(image, size);
		}
		catch (PermanentFailure | CancellationException ex) {
			throw ex;
		}
		catch (IOException | RuntimeException ex) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE, "cannot decode " + format + ": " + ex.getMessage(),
					ex);
		}
		catch (OutOfMemoryError ex) {
			// After an OutOfMemoryError inside the JDK's native JPEG decoder, dispose()
			// can block forever and take the render thread with it; the reader is left
			// to the garbage collector instead.
			disposable = false;
			throw ex;
		}
		finally {
			if (disposable) {
				reader.dispose();
			}
		}
	}

	private static ImageReader readerFor(ImageFormat format) {
		Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase(Locale.ROOT));
		if (!readers.hasNext()) {
			throw new PermanentFailure(FailureCode.UNSUPPORTED_FORMAT, format + " images are not supported");
		}
		return readers.next();
	}

	/**
	 * Decoding every n-th pixel keeps the decoded raster small; the decoded image stays
	 * at least twice the largest variant so the smooth downscale after it hides the
	 * decimation.
	 */
	static int subsampling(Dimensions size, int largestSide) {
		return Math.max(1, size.longestSide() / (2 * largestSide));
	}

	/** Without alpha: transparency is flattened onto the background, never black. */
	static BufferedImage flatten(BufferedImage image, int[] background) {
		if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
			return image;
		}
		return convert(image, BufferedImage.TYPE_INT_RGB, new Color(background[0], background[1], background[2]));
	}

	/** The image drawn into a new one of the type, over the colour if one is given. */
	private static BufferedImage convert(BufferedImage image, int type, @Nullable Color background) {
		if (image.getType() == type) {
			return image;
		}
		BufferedImage converted = new BufferedImage(image.getWidth(), image.getHeight(), type);
		Graphics2D g = converted.createGraphics();
		try {
			if (background != null) {
				g.setColor(background);
				g.fillRect(0, 0, converted.getWidth(), converted.getHeight());
			}
			g.drawImage(image, 0, 0, null);
		}
		finally {
			g.dispose();
		}
		return converted;
	}

	/**
	 * Scaled to the size; with alpha, in premultiplied form so that transparent pixels do
	 * not darken their neighbours.
	 */
	private static BufferedImage scale(BufferedImage image, Dimensions target, boolean alpha) {
		if (image.getWidth() == target.width() && image.getHeight() == target.height()) {
			return image;
		}
		try {
			BufferedImage scaled = Thumbnails.of(image)
				.forceSize(target.width(), target.height())
				.imageType(alpha ? BufferedImage.TYPE_INT_ARGB_PRE : BufferedImage.TYPE_INT_RGB)
				.asBufferedImage();
			return alpha ? convert(scaled, BufferedImage.TYPE_INT_ARGB, null) : scaled;
		}
		catch (IOException ex) {
			throw new IllegalStateException("scaling in memory failed", ex);
		}
	}

	/** The box from the middle of the image, as a copy of its own. */
	private static BufferedImage centre(BufferedImage image, Dimensions box) {
		BufferedImage crop = new BufferedImage(box.width(), box.height(), image.getType());
		Graphics2D g = crop.createGraphics();
		try {
			g.drawImage(image, -(image.getWidth() - box.width()) / 2, -(image.getHeight() - box.height()) / 2, null);
		}
		finally {
			g.dispose();
		}
		return crop;
	}

	private static Rendering.Output encode(Rendition rendition, Rendition.Encoding encoding, BufferedImage image,
			RenderSpec spec) {
		long start = System.nanoTime();
		byte[] bytes = switch (encoding.format()) {
			case JPEG -> encodeJpeg(flatten(image, spec.background()), encoding.quality());
			case PNG -> encodePng(image);
			case WEBP, AVIF -> throw new IllegalStateException(encoding.format() + " needs the libvips engine");
		};
		return new Rendering.Output(rendition.name(), encoding.format(), image.getWidth(), image.getHeight(), null,
				bytes, System.nanoTime() - start);
	}

	/** The ThumbHash and dominant colour of a copy of the smallest whole image. */
	private static Placeholder placeholder(BufferedImage image) {
		Dimensions size = Placeholder.copySize(image.getWidth(), image.getHeight());
		BufferedImage copy = scale(image, size, image.getColorModel().hasAlpha());
		return Placeholder.of(size.width(), size.height(), Pixels.interleaved(copy, true));
	}

	static byte[] encodeJpeg(BufferedImage image, int quality) {
		ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
		try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
			writer.setOutput(output);
			ImageWriteParam param = writer.getDefaultWriteParam();
			param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
			param.setCompressionQuality(quality / 100f);
			writer.write(null, new IIOImage(image, null, null), param);
		}
		catch (IOException ex) {
			throw new IllegalStateException("JPEG encoding in memory failed", ex);
		}
		finally {
			writer.dispose();
		}
		return bytes.toByteArray();
	}

	/** A PNG with no metadata chunk: ImageIO writes only what it is given. */
	static byte[] encodePng(BufferedImage image) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
		try {
			if (!ImageIO.write(image, "png", bytes)) {
				throw new IllegalStateException("no PNG writer");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("PNG encoding in memory failed", ex);
		}
		return bytes.toByteArray();
	}

}
