package dev.imageworker.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.WebpChunks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.imageworker.imaging.AbstractRenderEngineTests.magick;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The renditions for the libvips engine, and what only it renders: WebP and AVIF, smart
 * crops, animation kept in WebP. Skipped where libvips is absent.
 */
class VipsRenditionTests extends AbstractRenditionTests {

	private static RenderEngine engine;

	@BeforeAll
	static void loadLibvips() {
		engine = LibvipsEngine.orSkip("vips engine rendition tests");
	}

	@Override
	protected RenderEngine engine() {
		return engine;
	}

	@Test
	void writesEveryFormatByItsMagicBytes() {
		Rendering rendering = render(SampleImages.jpeg(1000, 500), "v.width", "400", "v.formats", "avif,webp,png,jpeg");
		assertThat(AbstractRenderEngineTests.output(rendering, "v", OutputFormat.JPEG).bytes()).startsWith(0xFF, 0xD8,
				0xFF);
		assertThat(AbstractRenderEngineTests.output(rendering, "v", OutputFormat.PNG).bytes()).startsWith(0x89, 'P',
				'N', 'G');
		byte[] webp = AbstractRenderEngineTests.output(rendering, "v", OutputFormat.WEBP).bytes();
		assertThat(new String(webp, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
		assertThat(new String(webp, 8, 4, StandardCharsets.US_ASCII)).isEqualTo("WEBP");
		byte[] avif = AbstractRenderEngineTests.output(rendering, "v", OutputFormat.AVIF).bytes();
		assertThat(new String(avif, 4, 8, StandardCharsets.US_ASCII)).isEqualTo("ftypavif");
		for (OutputFormat format : OutputFormat.values()) {
			assertOutput(rendering, "v", format, 400, 200);
			assertThat(ImageFormat.sniff(decodable(AbstractRenderEngineTests.output(rendering, "v", format))))
				.isPresent();
		}
	}

	@Test
	void webpAndAvifKeepAlpha() {
		Rendering rendering = render(SampleImages.png(400, 400, true), "v.size", "200", "v.formats", "webp,avif");
		for (OutputFormat format : List.of(OutputFormat.WEBP, OutputFormat.AVIF)) {
			BufferedImage image = SampleImages
				.decode(decodable(AbstractRenderEngineTests.output(rendering, "v", format)));
			assertThat(image.getRGB(2, 2) >>> 24).as("%s transparent corner", format).isLessThan(10);
			assertThat(image.getRGB(100, 100) >>> 24).as("%s opaque centre", format).isGreaterThan(245);
		}
	}

	@Test
	void anAttentionCoverFindsTheSubjectACentreOneMisses() {
		// A grey landscape, flat but for a saturated red subject near its right edge.
		BufferedImage image = SampleImages.flat(1200, 400, new Color(120, 120, 120));
		Graphics2D g = image.createGraphics();
		g.setColor(new Color(230, 40, 40));
		g.fillOval(1000, 150, 120, 120);
		g.dispose();
		byte[] source = SampleImages.encode(image, "png");
		BufferedImage attention = SampleImages.decode(
				render(source, "a.width", "200", "a.height", "200", "a.fit", "cover", "a.crop", "attention").outputs()
					.getFirst()
					.bytes());
		BufferedImage centre = SampleImages
			.decode(render(source, "a.width", "200", "a.height", "200", "a.fit", "cover").outputs().getFirst().bytes());
		assertThat(redPixels(attention)).isGreaterThan(1000);
		assertThat(redPixels(centre)).isZero();
	}

	@Test
	void entropyCoversAreExactlyTheBox() {
		Rendering rendering = render(SampleImages.jpeg(1200, 600), "a.width", "150", "a.height", "100", "a.fit",
				"cover", "a.crop", "entropy", "a.formats", "webp");
		assertOutput(rendering, "a", OutputFormat.WEBP, 150, 100);
	}

	@Test
	void animatedGifsStayAnimatedInWebpWithEveryFrameTheirTimingAndLoop() {
		byte[] gif = magick("-size", "200x100", "-delay", "10", "xc:rgb(200,30,30)", "-delay", "20",
				"xc:rgb(30,160,60)", "-delay", "30", "xc:rgb(40,60,200)", "-loop", "2", "gif:-");
		Rendering rendering = render(gif, "v.width", "100", "v.formats", "webp,jpeg,avif");
		Rendering.Output webp = assertOutput(rendering, "v", OutputFormat.WEBP, 100, 50);
		assertThat(webp.frames()).isEqualTo(3);
		WebpChunks chunks = WebpChunks.of(webp.bytes());
		assertThat(chunks.frameDurations()).containsExactly(100, 200, 300);
		assertThat(chunks.loopCount()).isEqualTo(2);
		assertThat(chunks.frameSizes()).containsOnly(List.of(100, 50));
		for (OutputFormat still : List.of(OutputFormat.JPEG, OutputFormat.AVIF)) {
			Rendering.Output output = assertOutput(rendering, "v", still, 100, 50);
			assertThat(output.frames()).isNull();
			AbstractRenderEngineTests.assertColor(
					AbstractRenderEngineTests.centre(SampleImages.decode(decodable(output))), new Color(200, 30, 30),
					16);
		}
	}

	@Test
	void animatedWebpsStayAnimatedAndCoversCutEveryFrameAlike() {
		byte[] webp = magick("-size", "300x100", "-delay", "10", "xc:rgb(200,30,30)", "xc:rgb(40,60,200)", "-loop", "0",
				"-define", "webp:lossless=true", "webp:-");
		Rendering rendering = render(webp, "a.width", "64", "a.height", "64", "a.fit", "cover", "a.crop", "attention",
				"a.formats", "webp");
		Rendering.Output avatar = assertOutput(rendering, "a", OutputFormat.WEBP, 64, 64);
		assertThat(avatar.frames()).isEqualTo(2);
		assertThat(WebpChunks.of(avatar.bytes()).frameSizes()).containsOnly(List.of(64, 64));
	}

	@Test
	void animationsKeepTheirFirstFramesUpToTheLimit() {
		byte[] gif = magick("-size", "40x40", "-delay", "10", "xc:red", "xc:green", "xc:blue", "-loop", "0", "gif:-");
		RenderSpec spec = RenderSpec.from(dev.imageworker.support.TestProperties
			.bind(java.util.Map.of("variants.v.size", "40", "variants.v.formats", "webp", "limits.max-frames", "2")));
		Rendering rendering = engine.render(gif, spec, new Cancellation());
		assertThat(rendering.outputs().getFirst().frames()).isEqualTo(2);
		assertThat(WebpChunks.of(rendering.outputs().getFirst().bytes()).frameDurations()).hasSize(2);
	}

	@Test
	void thePixelLimitCountsEveryFrameOnlyWhereAnAnimationIsKept() {
		byte[] gif = magick("-size", "100x100", "-delay", "10", "xc:red", "xc:green", "xc:blue", "-loop", "0", "gif:-");
		RenderSpec animated = RenderSpec.from(dev.imageworker.support.TestProperties.bind(
				java.util.Map.of("variants.v.size", "50", "variants.v.formats", "webp", "limits.max-pixels", "25000")));
		RenderSpec still = RenderSpec.from(dev.imageworker.support.TestProperties
			.bind(java.util.Map.of("variants.v.size", "50", "limits.max-pixels", "25000")));
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class,
				() -> engine.render(gif, animated, new Cancellation()));
		assertThat(failure).isNotNull();
		assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
		assertThat(failure.getMessage()).contains("3 frames");
		assertThat(engine.render(gif, still, new Cancellation()).outputs()).hasSize(1);
	}

	/**
	 * An AV1 encode cannot be stopped once started, so one that would run past the job's
	 * time limit is refused before it starts; with the time, the same render completes.
	 */
	@Test
	void anAvifThatCannotEndWithinTheTimeLimitIsNotStarted() {
		byte[] photo = SampleImages.jpeg(2000, 1500);
		RenderSpec spec = spec("v.size", "2000", "v.formats", "avif");
		Cancellation late = new Cancellation();
		late.startClock(java.time.Duration.ofMillis(1));
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class, () -> engine.render(photo, spec, late));
		assertThat(failure).isNotNull();
		assertThat(failure.code()).isEqualTo(FailureCode.PROCESSING_TIMEOUT);
		assertThat(failure.getMessage()).contains("AVIF", "cannot be stopped");
		Cancellation ample = new Cancellation();
		ample.startClock(java.time.Duration.ofMinutes(2));
		assertThat(engine.render(photo, spec, ample).outputs()).hasSize(1);
	}

	@Test
	void webpAndAvifCarryNoMetadata() {
		byte[] source = SampleImages.jpeg(600, 400);
		source = SampleImages.withSegment(source, 0xE1,
				"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">secret-xmp</x:xmpmeta>"
					.getBytes(StandardCharsets.UTF_8));
		source = SampleImages.withSegment(source, 0xE1, SampleImages.exifWithGps());
		Rendering rendering = render(source, "v.size", "300", "v.formats", "webp,avif");
		byte[] webp = AbstractRenderEngineTests.output(rendering, "v", OutputFormat.WEBP).bytes();
		assertThat(WebpChunks.of(webp).types()).doesNotContain("EXIF", "XMP ", "ICCP");
		byte[] avif = AbstractRenderEngineTests.output(rendering, "v", OutputFormat.AVIF).bytes();
		String text = new String(avif, StandardCharsets.ISO_8859_1);
		assertThat(text).doesNotContain("Exif", "secret-xmp", "GPS", "mime");
		assertThat(ImageFormat.sniff(decodable(AbstractRenderEngineTests.output(rendering, "v", OutputFormat.WEBP))))
			.isPresent();
	}

	/**
	 * A HEIC with an embedded profile (a linear-light one here, as an iPhone's is Display
	 * P3) renders its colours in sRGB in every format.
	 */
	@Test
	void convertsEmbeddedProfilesOfHeicToSrgb(@TempDir Path directory) throws IOException {
		Path profile = directory.resolve("linear.icc");
		Files.write(profile, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
		byte[] heic = magick("-size", "64x64", "xc:rgb(188,99,99)", "-profile", profile.toString(), "heic:-");
		Rendering rendering = render(heic, "v.size", "64", "v.formats", "png,webp");
		for (OutputFormat format : List.of(OutputFormat.PNG, OutputFormat.WEBP)) {
			BufferedImage image = SampleImages
				.decode(decodable(AbstractRenderEngineTests.output(rendering, "v", format)));
			AbstractRenderEngineTests.assertColor(AbstractRenderEngineTests.centre(image), new Color(188, 99, 99), 12);
		}
	}

	@Test
	void sixteenBitSourcesBecomeEightBitOutputs() {
		byte[] png = magick("-size", "64x64", "xc:none", "-fill", "rgb(20,90,200)", "-draw", "circle 32,32 32,12",
				"-depth", "16", "png64:-");
		byte[] rendered = AbstractRenderEngineTests
			.output(render(png, "v.size", "64", "v.formats", "png"), "v", OutputFormat.PNG)
			.bytes();
		assertThat(rendered[24]).as("IHDR bit depth").isEqualTo((byte) 8);
	}

	/**
	 * Bytes the JDK's ImageIO reads: AVIF (which it does not) rendered again by the
	 * engine as a PNG of the same size.
	 */
	static byte[] decodable(Rendering.Output output) {
		if (output.format() != OutputFormat.AVIF) {
			return output.bytes();
		}
		Rendering png = engine.render(output.bytes(),
				spec("v.size", String.valueOf(Math.max(output.width(), output.height())), "v.formats", "png"),
				new Cancellation());
		return png.outputs().getFirst().bytes();
	}

	private static long redPixels(BufferedImage image) {
		long red = 0;
		for (int y = 0; y < image.getHeight(); y++) {
			for (int x = 0; x < image.getWidth(); x++) {
				Color colour = new Color(image.getRGB(x, y));
				if (colour.getRed() > 180 && colour.getGreen() < 100) {
					red++;
				}
			}
		}
		return red;
	}

}
