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
import java.util.Optional;
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
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import net.coobird.thumbnailator.Thumbnails;

/**
 * The pure-Java engine: TwelveMonkeys ImageIO readers decode, Thumbnailator scales, the
 * JDK encodes. Always available.
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
		ImageFormat format = HeaderGuard.require(source);
		int orientation = ExifOrientation.read(format, source);
		Decoded decoded = decode(format, source, spec, cancellation);
		cancellation.check();
		BufferedImage upright = Orientation.apply(toOpaqueRgb(decoded.image()), orientation);
		Dimensions uprightOriginal = ExifOrientation.swapsAxes(orientation) ? decoded.original().transposed()
				: decoded.original();

		List<Rendering.RenderedVariant> variants = new ArrayList<>();
		BufferedImage previous = upright;
		for (Variant variant : spec.variants()) {
			cancellation.check();
			Dimensions target = uprightOriginal.fitWithin(variant.longestSide());
			Observation observation = VariantObservation.start(this.observations, name(), variant);
			try (Observation.Scope _ = observation.openScope()) {
				BufferedImage scaled = scale(previous, target);
				variants.add(new Rendering.RenderedVariant(variant.name(), scaled.getWidth(), scaled.getHeight(),
						encodeJpeg(scaled, spec.jpegQuality())));
				previous = scaled;
			}
			catch (RuntimeException ex) {
				observation.error(ex);
				throw ex;
			}
			finally {
				observation.stop();
			}
		}
		return new Rendering(format, uprightOriginal.width(), uprightOriginal.height(), variants);
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
			int subsampling = subsampling(size, spec.largestSide());
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

	/** sRGB without alpha: transparency is flattened onto white, never black. */
	static BufferedImage toOpaqueRgb(BufferedImage image) {
		if (image.getType() == BufferedImage.TYPE_INT_RGB || image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
			return image;
		}
		BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
		Graphics2D g = rgb.createGraphics();
		try {
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, rgb.getWidth(), rgb.getHeight());
			g.drawImage(image, 0, 0, null);
		}
		finally {
			g.dispose();
		}
		return rgb;
	}

	private static BufferedImage scale(BufferedImage image, Dimensions target) {
		if (image.getWidth() == target.width() && image.getHeight() == target.height()) {
			return image;
		}
		try {
			return Thumbnails.of(image)
				.forceSize(target.width(), target.height())
				.imageType(BufferedImage.TYPE_INT_RGB)
				.asBufferedImage();
		}
		catch (IOException ex) {
			throw new IllegalStateException("scaling in memory failed", ex);
		}
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

}
