package dev.imageworker.imaging;

import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The rules every {@link RenderEngine} must follow, run once per engine by a subclass:
 * size, orientation, colour, alpha, format sniffing, limits, hostile input, metadata and
 * the formats users upload.
 */
abstract class AbstractRenderEngineTests {

	static final RenderSpec SPEC = RenderSpec.jpeg(Map.of("medium", 1024, "thumb", 256), 85, 100_000_000);

	protected abstract RenderEngine engine();

	/** Whether the engine may read HEIF/AVIF; engines that cannot must refuse them. */
	protected boolean mayReadHeif() {
		return false;
	}

	// R1 size

	@Test
	void scalesLandscapeToEachVariantLargestFirst() {
		Rendering rendering = render(SampleImages.jpeg(2000, 1000));
		assertThat(rendering.width()).isEqualTo(2000);
		assertThat(rendering.height()).isEqualTo(1000);
		assertSize(rendering, "medium", 1024, 512);
		assertSize(rendering, "thumb", 256, 128);
	}

	@Test
	void scalesPortraitKeepingAspect() {
		Rendering rendering = render(SampleImages.png(600, 3000, false));
		assertSize(rendering, "medium", 205, 1024);
		assertSize(rendering, "thumb", 51, 256);
	}

	@Test
	void neverUpscales() {
		Rendering rendering = render(SampleImages.jpeg(300, 200));
		assertSize(rendering, "medium", 300, 200);
		assertSize(rendering, "thumb", 256, 171);
	}

	@Test
	void keepsAtLeastOnePixelOnExtremeAspect() {
		Rendering rendering = render(SampleImages.png(4000, 2, false));
		assertSize(rendering, "medium", 1024, 1);
		assertSize(rendering, "thumb", 256, 1);
	}

	// R2 upright

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8 })
	void appliesExifOrientation(int orientation) {
		byte[] source = SampleImages.withOrientation(SampleImages.jpeg(400, 200), orientation);
		Rendering rendering = render(source);
		boolean swapped = orientation >= 5;
		assertThat(rendering.width()).isEqualTo(swapped ? 200 : 400);
		assertSize(rendering, "thumb", swapped ? 128 : 256, swapped ? 256 : 128);
		BufferedImage thumb = variant(rendering, "thumb");
		// Where the stored image's top-left red marker ends up once upright.
		boolean right = orientation == 2 || orientation == 3 || orientation == 6 || orientation == 7;
		boolean bottom = orientation == 3 || orientation == 4 || orientation == 7 || orientation == 8;
		int x = right ? thumb.getWidth() - 5 : 4;
		int y = bottom ? thumb.getHeight() - 5 : 4;
		Color marker = new Color(thumb.getRGB(x, y));
		assertThat(marker.getRed()).as("red marker at %d,%d: %s", x, y, marker).isGreaterThan(180);
		assertThat(marker.getGreen()).as("red marker at %d,%d: %s", x, y, marker).isLessThan(90);
		byte[] jpeg = variantBytes(rendering, "thumb");
		assertThat(ExifOrientation.read(ImageFormat.JPEG, jpeg)).isEqualTo(ExifOrientation.UPRIGHT);
	}

	// R3 colour

	@Test
	void convertsEmbeddedProfileToSrgb() {
		// Linear RGB shares sRGB's primaries: (128, 32, 32) is about (188, 99, 99) in
		// sRGB;
		// ignoring the profile leaves it dark.
		byte[] flat = SampleImages.encode(SampleImages.flat(64, 64, new Color(128, 32, 32)), "jpeg");
		byte[] tagged = SampleImages.withIccProfile(flat, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));
		assertColor(centre(variant(render(tagged), "thumb")), new Color(188, 99, 99), 10);
	}

	/**
	 * An untagged CMYK JPEG as ImageMagick writes it (Adobe APP14, inverted CMYK, no ICC
	 * profile) renders the colour it was converted from: its CMYK is the naive inverse of
	 * the RGB. libvips' generic CMYK profile misses by 9/255 (grey) to 71/255 (blue); a
	 * negative would be cyan.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "220,30,30", "30,160,60", "40,60,200", "230,200,40", "128,128,128" })
	void convertsAdobeInvertedCmykWithoutProfile(String rgb) {
		byte[] cmyk = magick("-size", "64x64", "xc:rgb(" + rgb + ")", "-colorspace", "CMYK", "-quality", "95", "jpg:-");
		assertThat(markers(cmyk)).as("Adobe APP14, no ICC profile (APP2)").contains(0xEE).doesNotContain(0xE2);
		int[] channels = Stream.of(rgb.split(",")).mapToInt(Integer::parseInt).toArray();
		assertColor(centre(variant(render(cmyk), "thumb")), new Color(channels[0], channels[1], channels[2]), 6);
	}

	/** The same for a CMYK TIFF without a profile, which libvips reads just as wrong. */
	@ParameterizedTest
	@ValueSource(strings = { "220,30,30", "30,160,60", "40,60,200" })
	void convertsCmykTiffWithoutProfile(String rgb) {
		byte[] cmyk = magick("-size", "64x64", "xc:rgb(" + rgb + ")", "-colorspace", "CMYK", "tiff:-");
		int[] channels = Stream.of(rgb.split(",")).mapToInt(Integer::parseInt).toArray();
		assertColor(centre(variant(render(cmyk), "thumb")), new Color(channels[0], channels[1], channels[2]), 6);
	}

	@Test
	void rendersGreyscale() {
		BufferedImage grey = new BufferedImage(300, 300, BufferedImage.TYPE_BYTE_GRAY);
		java.awt.Graphics2D g = grey.createGraphics();
		g.setColor(new Color(100, 100, 100));
		g.fillRect(0, 0, 300, 300);
		g.dispose();
		assertColor(centre(variant(render(SampleImages.encode(grey, "jpeg")), "thumb")), new Color(100, 100, 100), 6);
	}

	// R4 alpha

	@Test
	void flattensPngAlphaOntoWhite() {
		BufferedImage thumb = variant(render(SampleImages.png(400, 400, true)), "thumb");
		assertColor(new Color(thumb.getRGB(2, 2)), Color.WHITE, 6);
		assertColor(centre(thumb), new Color(20, 90, 200), 12);
	}

	@Test
	void flattensGifTransparencyOntoWhite() {
		byte[] gif = magick("-size", "64x64", "xc:none", "-fill", "rgb(20,90,200)", "-draw", "circle 32,32 32,12",
				"gif:-");
		BufferedImage thumb = variant(render(gif), "thumb");
		assertColor(new Color(thumb.getRGB(1, 1)), Color.WHITE, 6);
		assertColor(centre(thumb), new Color(20, 90, 200), 12);
	}

	@Test
	void flattensSixteenBitAlphaOntoWhite() {
		byte[] png = magick("-size", "64x64", "xc:none", "-fill", "rgb(20,90,200)", "-draw", "circle 32,32 32,12",
				"-depth", "16", "png64:-");
		BufferedImage thumb = variant(render(png), "thumb");
		assertColor(new Color(thumb.getRGB(1, 1)), Color.WHITE, 6);
		assertColor(centre(thumb), new Color(20, 90, 200), 12);
	}

	// R5 magic bytes

	@Test
	void decidesFormatByMagicBytes() {
		assertThat(render(SampleImages.png(100, 100, false)).format()).isEqualTo(ImageFormat.PNG);
		assertThat(render(SampleImages.jpeg(100, 100)).format()).isEqualTo(ImageFormat.JPEG);
	}

	/**
	 * Formats libvips reads only through loaders the worker does not trust: SVG (which
	 * can reference files), PDF (poppler) and PSD (ImageMagick).
	 */
	static Stream<Arguments> formatsOfUntrustedLoaders() {
		return Stream.of(Arguments.of("SVG", SampleImages.svgWithExternalImage()),
				Arguments.of("PDF", SampleImages.pdf()), Arguments.of("PSD", SampleImages.psd()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("formatsOfUntrustedLoaders")
	void refusesFormatsOfUntrustedLoaders(String name, byte[] source) {
		assertThat(failureOf(source, SPEC)).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "miff", "pcx" })
	void refusesFormatsOnlyImageMagickReads(String format) {
		assertThat(failureOf(magick("-size", "8x8", "xc:red", format + ":-"), SPEC))
			.isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
	}

	// R6 pixel limit from the header

	@Test
	void refusesPngBombFromHeader() {
		byte[] bomb = SampleImages.pngBomb(30_000, 30_000);
		assertThat(bomb.length).isLessThan(100 * 1024);
		assertThat(failureOf(bomb, SPEC)).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
	}

	@Test
	void refusesJpegHeaderClaimingHugeSize() {
		byte[] liar = SampleImages.withDeclaredSize(SampleImages.jpeg(64, 64), 65500, 65500);
		assertThat(failureOf(liar, SPEC)).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
	}

	@Test
	void failsJpegWhoseHeaderLiesWhenTheLimitAllowsIt() {
		byte[] liar = SampleImages.withDeclaredSize(SampleImages.jpeg(64, 64), 8000, 8000);
		RenderSpec generous = RenderSpec.jpeg(Map.of("medium", 1024, "thumb", 256), 85, Long.MAX_VALUE);
		assertThat(failureOf(liar, generous)).isEqualTo(FailureCode.CORRUPT_IMAGE);
	}

	// R7 hostile and broken input

	static Stream<Arguments> brokenInputs() {
		byte[] jpeg = SampleImages.jpeg(800, 600);
		byte[] png = SampleImages.png(800, 600, false);
		byte[] randomAfterJpegMagic = new byte[4096];
		new java.util.Random(42).nextBytes(randomAfterJpegMagic);
		randomAfterJpegMagic[0] = (byte) 0xFF;
		randomAfterJpegMagic[1] = (byte) 0xD8;
		randomAfterJpegMagic[2] = (byte) 0xFF;
		byte[] bmpHeader = new byte[64];
		System.arraycopy("BM".getBytes(StandardCharsets.US_ASCII), 0, bmpHeader, 0, 2);
		java.nio.ByteBuffer.wrap(bmpHeader, 14, 16)
			.order(java.nio.ByteOrder.LITTLE_ENDIAN)
			.putInt(40)
			.putInt(1_000_000)
			.putInt(1_000_000);
		return Stream.of(Arguments.of("empty", new byte[0], FailureCode.UNSUPPORTED_FORMAT),
				Arguments.of("text", "hello, not an image".getBytes(StandardCharsets.UTF_8),
						FailureCode.UNSUPPORTED_FORMAT),
				Arguments.of("truncated JPEG", SampleImages.truncated(jpeg, 0.5), FailureCode.CORRUPT_IMAGE),
				Arguments.of("JPEG header only", SampleImages.truncated(jpeg, 0.05), FailureCode.CORRUPT_IMAGE),
				Arguments.of("truncated PNG", SampleImages.truncated(png, 0.5), FailureCode.CORRUPT_IMAGE),
				Arguments.of("garbage after JPEG magic", randomAfterJpegMagic, null),
				Arguments.of("GIF magic only", "GIF89a".getBytes(StandardCharsets.US_ASCII), null),
				Arguments.of("WebP magic only", "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), null),
				Arguments.of("TIFF magic only", new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0 }, null),
				Arguments.of("BMP with absurd dimensions", bmpHeader, null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("brokenInputs")
	void failsBrokenInputAsTypedPermanentFailure(String name, byte[] source, FailureCode expected) {
		FailureCode code = failureOf(source, SPEC);
		if (expected != null) {
			assertThat(code).isEqualTo(expected);
		}
		else {
			assertThat(code).isIn(FailureCode.UNSUPPORTED_FORMAT, FailureCode.CORRUPT_IMAGE,
					FailureCode.IMAGE_TOO_LARGE);
		}
	}

	// Metadata

	@Test
	void dropsExifGpsXmpAndComments() {
		byte[] source = SampleImages.jpeg(600, 400);
		source = SampleImages.withSegment(source, 0xFE, "secret comment".getBytes(StandardCharsets.US_ASCII));
		source = SampleImages.withSegment(source, 0xE1,
				"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"/>"
					.getBytes(StandardCharsets.UTF_8));
		source = SampleImages.withSegment(source, 0xE1, SampleImages.exifWithGps());
		for (Rendering.Output rendered : render(source).outputs()) {
			assertThat(markers(rendered.bytes())).as(rendered.name()).doesNotContain(0xE1, 0xFE);
		}
	}

	// Formats

	@Test
	void rendersPaletteBandsWithoutDithering() {
		BufferedImage thumb = variant(render(SampleImages.palettePng(800, 200)), "thumb");
		Color[] bands = { new Color(200, 30, 30), new Color(30, 160, 60), new Color(40, 60, 200),
				new Color(230, 200, 40) };
		int bandWidth = thumb.getWidth() / bands.length;
		for (int band = 0; band < bands.length; band++) {
			for (int x = band * bandWidth + 8; x < (band + 1) * bandWidth - 8; x += 3) {
				for (int y = 4; y < thumb.getHeight() - 4; y += 7) {
					assertColor(new Color(thumb.getRGB(x, y)), bands[band], 10);
				}
			}
		}
	}

	@Test
	void rendersFirstFrameOfAnimatedGif() {
		byte[] gif = magick("-delay", "10", "-size", "64x64", "xc:rgb(200,30,30)", "xc:rgb(40,60,200)", "-loop", "0",
				"gif:-");
		assertColor(centre(variant(render(gif), "thumb")), new Color(200, 30, 30), 12);
	}

	@Test
	void rendersFirstFrameOfAnimatedWebp() {
		byte[] webp = magick("-delay", "10", "-size", "64x64", "xc:rgb(200,30,30)", "xc:rgb(40,60,200)", "-loop", "0",
				"-define", "webp:lossless=true", "webp:-");
		assertColor(centre(variant(render(webp), "thumb")), new Color(200, 30, 30), 12);
	}

	@ParameterizedTest
	@ValueSource(strings = { "webp:lossless=false", "webp:lossless=true" })
	void rendersWebp(String define) {
		byte[] webp = magick("-size", "400x300", "xc:rgb(30,160,60)", "-define", define, "webp:-");
		Rendering rendering = render(webp);
		assertSize(rendering, "thumb", 256, 192);
		assertColor(centre(variant(rendering, "thumb")), new Color(30, 160, 60), 10);
	}

	@Test
	void rendersSixteenBitRgbPng() {
		byte[] png = magick("-size", "400x300", "xc:rgb(200,30,30)", "-depth", "16", "png48:-");
		assertColor(centre(variant(render(png), "thumb")), new Color(200, 30, 30), 8);
	}

	@Test
	void rendersProgressiveJpeg() {
		assertSize(render(SampleImages.progressiveJpeg(1600, 1200)), "medium", 1024, 768);
	}

	@ParameterizedTest
	@ValueSource(strings = { "tiff", "bmp", "gif" })
	void rendersOtherFormatsJavaWrites(String format) {
		BufferedImage picture = SampleImages.flat(500, 250, new Color(40, 60, 200));
		Rendering rendering = render(SampleImages.encode(picture, format));
		assertSize(rendering, "thumb", 256, 128);
		assertColor(centre(variant(rendering, "thumb")), new Color(40, 60, 200), 10);
	}

	@Test
	void rendersHeicOrRefusesItAsUnsupported() {
		byte[] heic = magick("-size", "64x64", "xc:rgb(200,30,30)", "heic:-");
		assertThat(ImageFormat.sniff(heic)).contains(ImageFormat.HEIF);
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class, () -> render(heic));
		if (failure == null) {
			assertThat(mayReadHeif()).as("engine rendered HEIF").isTrue();
		}
		else {
			assertThat(failure.code()).as(failure.getMessage()).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
		}
	}

	// Header probe

	@Test
	void readsHeaderSize() {
		assertThat(engine().headerSize(SampleImages.jpeg(640, 480))).contains(new Dimensions(640, 480));
		assertThat(engine().headerSize(SampleImages.png(300, 700, true))).contains(new Dimensions(300, 700));
		assertThat(engine().headerSize(SampleImages.encode(SampleImages.flat(500, 250, Color.BLUE), "bmp")))
			.contains(new Dimensions(500, 250));
	}

	/** Headers whose pixels are missing: decoding would fail, or take gigabytes. */
	@Test
	void readsHeaderSizeWithoutDecodingPixels() {
		assertThat(engine().headerSize(SampleImages.pngBomb(30_000, 30_000))).contains(new Dimensions(30_000, 30_000));
		assertThat(engine().headerSize(SampleImages.withDeclaredSize(SampleImages.jpeg(64, 64), 65500, 65000)))
			.contains(new Dimensions(65500, 65000));
	}

	static Stream<Arguments> unreadableHeaders() {
		byte[] zerosAfterJpegMagic = new byte[4096];
		zerosAfterJpegMagic[0] = (byte) 0xFF;
		zerosAfterJpegMagic[1] = (byte) 0xD8;
		zerosAfterJpegMagic[2] = (byte) 0xFF;
		return Stream.of(Arguments.of("empty", new byte[0]),
				Arguments.of("text", "hello, not an image".getBytes(StandardCharsets.UTF_8)),
				Arguments.of("SVG", SampleImages.svgWithExternalImage()), Arguments.of("PDF", SampleImages.pdf()),
				Arguments.of("zeros after JPEG magic", zerosAfterJpegMagic),
				Arguments.of("GIF magic only", "GIF89a".getBytes(StandardCharsets.US_ASCII)),
				Arguments.of("TIFF magic only", new byte[] { 'I', 'I', 42, 0, 8, 0, 0, 0 }),
				Arguments.of("PNG cut inside its header", Arrays.copyOf(SampleImages.png(800, 600, false), 20)));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("unreadableHeaders")
	void readsNoHeaderSizeFromGarbage(String name, byte[] source) {
		assertThat(engine().headerSize(source)).isEmpty();
	}

	/**
	 * libjpeg skips a stray byte before the frame header with a warning, so the decoder
	 * reads the header; a parser that stops at the stray byte would not.
	 */
	@Test
	void readsHeaderSizePastStrayByteBeforeProgressiveFrameHeader() {
		byte[] stray = SampleImages.withStrayByteBefore(SampleImages.progressiveJpeg(1600, 1200), 0xC2);
		assertThat(engine().headerSize(stray)).contains(new Dimensions(1600, 1200));
	}

	// Helpers

	/**
	 * An image made by ImageMagick; the test is skipped where it is missing or lacks the
	 * format's delegate.
	 */
	static byte[] magick(String... arguments) {
		assumeThat(SampleImages.hasImageMagick()).as("ImageMagick (convert) is installed").isTrue();
		try {
			return SampleImages.imageMagick(arguments);
		}
		catch (IllegalStateException ex) {
			throw new org.opentest4j.TestAbortedException("ImageMagick cannot write this: " + ex.getMessage(), ex);
		}
	}

	Rendering render(byte[] source) {
		return engine().render(source, SPEC, new Cancellation());
	}

	FailureCode failureOf(byte[] source, RenderSpec spec) {
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class,
				() -> engine().render(source, spec, new Cancellation()));
		assertThat(failure).as("a PermanentFailure").isNotNull();
		return failure.code();
	}

	static byte[] variantBytes(Rendering rendering, String name) {
		return output(rendering, name, OutputFormat.JPEG).bytes();
	}

	static Rendering.Output output(Rendering rendering, String name, OutputFormat format) {
		return rendering.outputs()
			.stream()
			.filter((output) -> output.name().equals(name) && output.format() == format)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + format + " output named " + name + " in " + rendering));
	}

	static BufferedImage variant(Rendering rendering, String name) {
		byte[] jpeg = variantBytes(rendering, name);
		assertThat(ImageFormat.sniff(jpeg)).contains(ImageFormat.JPEG);
		return SampleImages.decode(jpeg);
	}

	static void assertSize(Rendering rendering, String name, int width, int height) {
		Rendering.Output rendered = output(rendering, name, OutputFormat.JPEG);
		BufferedImage image = SampleImages.decode(rendered.bytes());
		assertThat(image.getWidth()).as("%s width", name).isBetween(width - 1, width + 1);
		assertThat(image.getHeight()).as("%s height", name).isBetween(height - 1, height + 1);
		assertThat(Math.min(image.getWidth(), image.getHeight())).isPositive();
		assertThat(rendered.width()).isEqualTo(image.getWidth());
		assertThat(rendered.height()).isEqualTo(image.getHeight());
	}

	static Color centre(BufferedImage image) {
		return new Color(image.getRGB(image.getWidth() / 2, image.getHeight() / 2));
	}

	static void assertColor(Color actual, Color expected, int tolerance) {
		assertThat(actual.getRed()).as("red of %s, expected %s", actual, expected)
			.isBetween(expected.getRed() - tolerance, expected.getRed() + tolerance);
		assertThat(actual.getGreen()).as("green of %s, expected %s", actual, expected)
			.isBetween(expected.getGreen() - tolerance, expected.getGreen() + tolerance);
		assertThat(actual.getBlue()).as("blue of %s, expected %s", actual, expected)
			.isBetween(expected.getBlue() - tolerance, expected.getBlue() + tolerance);
	}

	/** The JPEG markers before the image data. */
	static List<Integer> markers(byte[] jpeg) {
		List<Integer> markers = new ArrayList<>();
		int pos = 2;
		while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
			int marker = jpeg[pos + 1] & 0xFF;
			markers.add(marker);
			if (marker == 0xDA) {
				break;
			}
			pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
		}
		return markers;
	}

}
