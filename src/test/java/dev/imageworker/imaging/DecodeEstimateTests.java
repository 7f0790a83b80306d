package dev.imageworker.imaging;

import java.util.List;
import java.util.Map;

import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeEstimateTests {

	/** JPEG renditions of at most 1024 px. */
	private static final RenderSpec SPEC = RenderSpec.jpeg(Map.of("medium", 1024), 85, Long.MAX_VALUE);

	@Test
	void opaquePngsCostFourBytesAPixelSixteenBitRgbSix() {
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 2), SPEC))
			.isEqualTo(new DecodeEstimate(12_000_000, 48_000_000));
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 3), SPEC).bytes()).isEqualTo(48_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 0), SPEC).bytes()).isEqualTo(48_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 2), SPEC).bytes())
			.isEqualTo(600_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 0), SPEC).bytes())
			.isEqualTo(400_000_000);
	}

	@Test
	void pngsWithAlphaCostPremultipliedFloatSamples() {
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 6), SPEC))
			.isEqualTo(new DecodeEstimate(100_000_000, 1_600_000_000));
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 6), SPEC).bytes()).isEqualTo(192_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 4), SPEC).bytes()).isEqualTo(192_000_000);
		assertThat(DecodeEstimate.of(SampleImages.png(400, 300, true), SPEC).bytes()).isEqualTo(1_920_000);
	}

	@Test
	void jpegsCostTheirScaledDecode() {
		DecodeEstimate photo = DecodeEstimate.of(SampleImages.withDeclaredSize(SampleImages.jpeg(64, 48), 5472, 3648),
				SPEC);

		assertThat(photo.pixels()).isEqualTo(5472L * 3648);
		assertThat(photo.bytes()).isEqualTo(2736L * 1824 * 4);
		assertThat(DecodeEstimate.of(SampleImages.jpeg(800, 600), SPEC).bytes()).isEqualTo(800 * 600 * 4);
	}

	@Test
	void progressiveJpegsAddTheCoefficientsOfTheWholeImage() {
		DecodeEstimate progressive = DecodeEstimate
			.of(SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6144, 4096), SPEC);

		assertThat(progressive)
			.isEqualTo(new DecodeEstimate(6144L * 4096, 3072L * 2048 * 4 + 6144L * 4096 * 3, 6144L * 4096 * 3));
		assertThat(DecodeEstimate.of(SampleImages.jpeg(800, 600), SPEC).coefficientBytes()).isZero();
	}

	@Test
	void aGifCostsItsLargestFrameWhateverItsScreenAndLibvipsDecodesItWhole() {
		DecodeEstimate gif = DecodeEstimate.of(HostileImages.gif(10, 10, 10_000, 10_000), SPEC);

		assertThat(gif).isEqualTo(new DecodeEstimate(100_000_000, 400_000_000, 0, true));
		assertThat(gif.heldAtOnce(true)).isEqualTo(400_000_000);
		assertThat(gif.heldAtOnce(false)).as("the Java engine subsamples as it decodes").isZero();
	}

	@Test
	void libvipsDecodesAnInterlacedPngWholeAndStreamsOthers() {
		byte[] png = SampleImages.pngHeader(10_000, 10_000, 8, 0);
		byte[] adam7 = png.clone();
		adam7[28] = 1;

		assertThat(DecodeEstimate.of(adam7, SPEC)).isEqualTo(new DecodeEstimate(100_000_000, 400_000_000, 0, true));
		assertThat(DecodeEstimate.of(png, SPEC).whole()).isFalse();
		assertThat(DecodeEstimate.of(png, SPEC).heldAtOnce(true)).isZero();
	}

	@Test
	void aProgressiveJpegHoldsItsCoefficientsWhicheverTheEngine() {
		DecodeEstimate progressive = DecodeEstimate
			.of(SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6144, 4096), SPEC);

		assertThat(progressive.heldAtOnce(true)).isEqualTo(6144L * 4096 * 3);
		assertThat(progressive.heldAtOnce(false)).isEqualTo(6144L * 4096 * 3);
	}

	@Test
	void aHeifOfAKnownSizeIsDecodedWhole() {
		byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

		assertThat(DecodeEstimate.ofSize(heic, new Dimensions(4000, 3000), SPEC))
			.isEqualTo(new DecodeEstimate(12_000_000, 48_000_000, 0, true));
	}

	@Test
	void theJpegScaleKeepsTheLongestSideAtOrAboveTheTarget() {
		assertThat(new Dimensions(5472, 3648).jpegScale(2048)).isEqualTo(2);
		assertThat(new Dimensions(4096, 10).jpegScale(2048)).isEqualTo(2);
		assertThat(new Dimensions(10, 4095).jpegScale(2048)).isEqualTo(1);
		assertThat(new Dimensions(8000, 8000).jpegScale(512)).isEqualTo(8);
		assertThat(new Dimensions(65_000, 1).jpegScale(2048)).isEqualTo(8);
		assertThat(new Dimensions(1000, 1000).jpegScale(2048)).isEqualTo(1);
	}

	@Test
	void otherFormatsCostFourBytesAPixelAndUnreadableOnesNothing() {
		assertThat(DecodeEstimate.of(SampleImages.encode(SampleImages.picture(300, 200, false), "gif"), SPEC).bytes())
			.isEqualTo(240_000);
		assertThat(DecodeEstimate.of("not an image".getBytes(), SPEC)).isEqualTo(DecodeEstimate.UNKNOWN);
	}

	@Test
	void aKeptAnimationCostsEveryFrameItDecodesAndAStillOneItsFirst() {
		byte[] gif = AbstractRenderEngineTests.magick("-size", "100x50", "-delay", "10", "xc:red", "xc:green",
				"xc:blue", "-loop", "0", "gif:-");
		byte[] webp = AbstractRenderEngineTests.magick("-size", "100x50", "-delay", "10", "xc:red", "xc:green",
				"xc:blue", "-loop", "0", "-define", "webp:lossless=true", "webp:-");
		RenderSpec animated = RenderSpec.from(TestProperties
			.bind(Map.of("variants.v.size", "64", "variants.v.formats", "webp", "limits.max-frames", "2")));
		for (byte[] animation : List.of(gif, webp)) {
			DecodeEstimate kept = DecodeEstimate.of(animation, animated);
			assertThat(kept.pixels()).as("two frames kept of three").isEqualTo(2 * 100 * 50);
			assertThat(kept.whole()).isTrue();
			assertThat(kept.bytes()).isEqualTo(2 * 100 * 50 * 4);
		}
		assertThat(DecodeEstimate.of(gif, SPEC).pixels()).isEqualTo(100 * 50);
		assertThat(DecodeEstimate.of(webp, SPEC).pixels()).isEqualTo(100 * 50);
	}

	@Test
	void anAvifOutputAddsItsEncoderBesideTheDecode() {
		RenderSpec avif = RenderSpec.from(
				TestProperties.bind(Map.of("variants.hero.widths", "320,1280", "variants.hero.formats", "avif,jpeg")));
		RenderSpec jpeg = RenderSpec
			.from(TestProperties.bind(Map.of("variants.hero.widths", "320,1280", "variants.hero.formats", "jpeg")));
		byte[] landscape = SampleImages.withDeclaredSize(SampleImages.jpeg(64, 48), 5472, 3648);
		// An EXIF orientation may stand the photo upright: 1280 px wide is then 1920
		// high.
		long largestAvif = 1280L * 1920;
		long encoder = RenderSpec.AVIF_ENCODER_BYTES + RenderSpec.AVIF_ENCODER_BYTES_PER_PIXEL * largestAvif;

		assertThat(avif.encoderBytes(new Dimensions(5472, 3648))).isEqualTo(encoder);
		assertThat(DecodeEstimate.of(landscape, avif).bytes())
			.isEqualTo(DecodeEstimate.of(landscape, jpeg).bytes() + encoder);
		assertThat(DecodeEstimate.of(landscape, avif).heldAtOnce(true)).as("not a whole decode").isZero();
		assertThat(avif.encoderBytes(new Dimensions(800, 600))).as("never upscaled")
			.isEqualTo(RenderSpec.AVIF_ENCODER_BYTES + RenderSpec.AVIF_ENCODER_BYTES_PER_PIXEL * 800 * 600);
		assertThat(jpeg.encoderBytes(new Dimensions(5472, 3648))).as("no AVIF output").isZero();
		assertThat(SPEC.encoderBytes(new Dimensions(5472, 3648))).isZero();
	}

}
