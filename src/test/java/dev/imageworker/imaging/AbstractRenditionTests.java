package dev.imageworker.imaging;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The renditions every engine renders, run once per engine by a subclass: each size a
 * variant spec may give, never upscaled, centre covers, PNG with alpha, JPEG flattened
 * onto the background, and the placeholder.
 */
abstract class AbstractRenditionTests {

	protected abstract RenderEngine engine();

	@Test
	void aWidthAloneSetsTheWidthAndTheHeightFollows() {
		Rendering rendering = render(SampleImages.jpeg(1000, 500), "v.width", "400");
		assertOutput(rendering, "v", OutputFormat.JPEG, 400, 200);
	}

	@Test
	void aHeightAloneSetsTheHeightAndTheWidthFollows() {
		Rendering rendering = render(SampleImages.jpeg(1000, 500), "v.height", "100");
		assertOutput(rendering, "v", OutputFormat.JPEG, 200, 100);
	}

	@Test
	void aBoxFitsTheWholeImageInside() {
		Rendering rendering = render(SampleImages.jpeg(1000, 500), "v.width", "300", "v.height", "300");
		assertOutput(rendering, "v", OutputFormat.JPEG, 300, 150);
	}

	@Test
	void responsiveWidthsNeverUpscaleButAreAllWritten() {
		Rendering rendering = render(SampleImages.jpeg(800, 400), "hero.widths", "320,640,1280");
		assertOutput(rendering, "hero-320w", OutputFormat.JPEG, 320, 160);
		assertOutput(rendering, "hero-640w", OutputFormat.JPEG, 640, 320);
		assertOutput(rendering, "hero-1280w", OutputFormat.JPEG, 800, 400);
		assertThat(rendering.outputs()).hasSize(3);
	}

	@Test
	void aCentreCoverIsExactlyTheBoxCutFromTheMiddle() {
		// Red left third, green middle, blue right third: a square from the middle is
		// green.
		Rendering rendering = render(thirds(900, 300), "avatar.width", "100", "avatar.height", "100", "avatar.fit",
				"cover");
		Rendering.Output avatar = assertOutput(rendering, "avatar", OutputFormat.JPEG, 100, 100);
		BufferedImage image = SampleImages.decode(avatar.bytes());
		AbstractRenderEngineTests.assertColor(new Color(image.getRGB(50, 50)), new Color(30, 160, 60), 12);
		AbstractRenderEngineTests.assertColor(new Color(image.getRGB(3, 50)), new Color(30, 160, 60), 12);
	}

	@Test
	void aCoverLargerThanTheSourceKeepsItsRatioAtTheSourceScale() {
		Rendering rendering = render(SampleImages.jpeg(120, 60), "avatar.width", "128", "avatar.height", "128",
				"avatar.fit", "cover");
		assertOutput(rendering, "avatar", OutputFormat.JPEG, 60, 60);
	}

	@Test
	void pngOutputsKeepAlphaAndJpegOnesFlattenOntoTheBackground() {
		Rendering rendering = render(SampleImages.png(400, 400, true), "v.size", "200", "v.formats", "png,jpeg",
				"background", "#ff0000");
		BufferedImage png = SampleImages.decode(assertOutput(rendering, "v", OutputFormat.PNG, 200, 200).bytes());
		assertThat(png.getColorModel().hasAlpha()).isTrue();
		assertThat(png.getRGB(2, 2) >>> 24).as("a transparent corner").isLessThan(10);
		assertThat(png.getRGB(100, 100) >>> 24).as("an opaque centre").isGreaterThan(245);
		BufferedImage jpeg = SampleImages.decode(assertOutput(rendering, "v", OutputFormat.JPEG, 200, 200).bytes());
		AbstractRenderEngineTests.assertColor(new Color(jpeg.getRGB(2, 2)), Color.RED, 12);
		AbstractRenderEngineTests.assertColor(new Color(jpeg.getRGB(100, 100)), new Color(20, 90, 200), 12);
	}

	@Test
	void eachFormatOfAVariantIsOneOutputOfTheSameSize() {
		Rendering rendering = render(SampleImages.jpeg(1000, 750), "v.size", "400", "v.formats", "jpeg,png");
		assertThat(rendering.outputs()).extracting(Rendering.Output::format)
			.containsExactlyInAnyOrder(OutputFormat.JPEG, OutputFormat.PNG);
		assertOutput(rendering, "v", OutputFormat.JPEG, 400, 300);
		assertOutput(rendering, "v", OutputFormat.PNG, 400, 300);
	}

	@Test
	void theVariantsQualityOverridesTheFormatDefault() {
		byte[] photo = SampleImages.jpeg(1200, 800);
		int low = render(photo, "v.size", "600", "v.quality", "30").outputs().getFirst().bytes().length;
		int high = render(photo, "v.size", "600", "v.quality", "95").outputs().getFirst().bytes().length;
		assertThat(low).isLessThan(high / 2);
	}

	@Test
	void thePlaceholderHasTheImagesRatioAndDominantColour() {
		// Mostly red with a blue stripe: the dominant colour is red, not the mean.
		BufferedImage image = SampleImages.flat(600, 300, new Color(220, 20, 30));
		Graphics2D g = image.createGraphics();
		g.setColor(new Color(20, 40, 220));
		g.fillRect(0, 120, 600, 60);
		g.dispose();
		Rendering rendering = render(SampleImages.encode(image, "png"), "v.size", "256");
		Placeholder placeholder = rendering.placeholder();
		int rgb = Integer.parseInt(placeholder.dominantColor().substring(1), 16);
		AbstractRenderEngineTests.assertColor(new Color(rgb), new Color(220, 20, 30), 16);
		byte[] hash = java.util.Base64.getDecoder().decode(placeholder.thumbhash());
		assertThat(ThumbHash.approximateAspectRatio(hash)).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.3));
	}

	@Test
	void thePlaceholderOfAKeptAlphaHasAlpha() {
		Rendering rendering = render(SampleImages.png(300, 300, true), "v.size", "256", "v.formats", "png");
		byte[] hash = java.util.Base64.getDecoder().decode(rendering.placeholder().thumbhash());
		assertThat(ThumbHash.hasAlpha(hash)).isTrue();
	}

	/** Renders with variants given as properties under {@code image-worker.variants.}. */
	Rendering render(byte[] source, String... variants) {
		return engine().render(source, spec(variants), new Cancellation());
	}

	static RenderSpec spec(String... properties) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i < properties.length; i += 2) {
			String name = properties[i];
			values.put(name.equals("background") ? name : "variants." + name, properties[i + 1]);
		}
		return RenderSpec.from(TestProperties.bind(values));
	}

	static Rendering.Output assertOutput(Rendering rendering, String name, OutputFormat format, int width, int height) {
		Rendering.Output output = AbstractRenderEngineTests.output(rendering, name, format);
		assertThat(List.of(output.width(), output.height())).as("%s %s", name, format).containsExactly(width, height);
		return output;
	}

	/** Red, green and blue thirds, left to right. */
	static byte[] thirds(int width, int height) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		Color[] colours = { new Color(200, 30, 30), new Color(30, 160, 60), new Color(40, 60, 200) };
		for (int i = 0; i < 3; i++) {
			g.setColor(colours[i]);
			g.fillRect(i * width / 3, 0, width / 3 + 1, height);
		}
		g.dispose();
		return SampleImages.encode(image, "png");
	}

}
