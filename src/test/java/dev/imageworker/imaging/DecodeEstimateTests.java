package dev.imageworker.imaging;

import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecodeEstimateTests {

	@Test
	void opaquePngsCostFourBytesAPixelSixteenBitRgbSix() {
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 2), 1024))
			.isEqualTo(new DecodeEstimate(12_000_000, 48_000_000));
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 3), 1024).bytes()).isEqualTo(48_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 0), 1024).bytes()).isEqualTo(48_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 2), 1024).bytes())
			.isEqualTo(600_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 0), 1024).bytes())
			.isEqualTo(400_000_000);
	}

	@Test
	void pngsWithAlphaCostPremultipliedFloatSamples() {
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(10_000, 10_000, 16, 6), 1024))
			.isEqualTo(new DecodeEstimate(100_000_000, 1_600_000_000));
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 6), 1024).bytes()).isEqualTo(192_000_000);
		assertThat(DecodeEstimate.of(SampleImages.pngHeader(4000, 3000, 8, 4), 1024).bytes()).isEqualTo(192_000_000);
		assertThat(DecodeEstimate.of(SampleImages.png(400, 300, true), 1024).bytes()).isEqualTo(1_920_000);
	}

	@Test
	void jpegsCostTheirScaledDecode() {
		DecodeEstimate photo = DecodeEstimate.of(SampleImages.withDeclaredSize(SampleImages.jpeg(64, 48), 5472, 3648),
				1024);

		assertThat(photo.pixels()).isEqualTo(5472L * 3648);
		assertThat(photo.bytes()).isEqualTo(2736L * 1824 * 4);
		assertThat(DecodeEstimate.of(SampleImages.jpeg(800, 600), 1024).bytes()).isEqualTo(800 * 600 * 4);
	}

	@Test
	void progressiveJpegsAddTheCoefficientsOfTheWholeImage() {
		DecodeEstimate progressive = DecodeEstimate
			.of(SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6144, 4096), 1024);

		assertThat(progressive)
			.isEqualTo(new DecodeEstimate(6144L * 4096, 3072L * 2048 * 4 + 6144L * 4096 * 3, 6144L * 4096 * 3));
		assertThat(DecodeEstimate.of(SampleImages.jpeg(800, 600), 1024).coefficientBytes()).isZero();
	}

	@Test
	void aGifCostsItsLargestFrameWhateverItsScreenAndLibvipsDecodesItWhole() {
		DecodeEstimate gif = DecodeEstimate.of(HostileImages.gif(10, 10, 10_000, 10_000), 1024);

		assertThat(gif).isEqualTo(new DecodeEstimate(100_000_000, 400_000_000, 0, true));
		assertThat(gif.heldAtOnce(true)).isEqualTo(400_000_000);
		assertThat(gif.heldAtOnce(false)).as("the Java engine subsamples as it decodes").isZero();
	}

	@Test
	void libvipsDecodesAnInterlacedPngWholeAndStreamsOthers() {
		byte[] png = SampleImages.pngHeader(10_000, 10_000, 8, 0);
		byte[] adam7 = png.clone();
		adam7[28] = 1;

		assertThat(DecodeEstimate.of(adam7, 1024)).isEqualTo(new DecodeEstimate(100_000_000, 400_000_000, 0, true));
		assertThat(DecodeEstimate.of(png, 1024).whole()).isFalse();
		assertThat(DecodeEstimate.of(png, 1024).heldAtOnce(true)).isZero();
	}

	@Test
	void aProgressiveJpegHoldsItsCoefficientsWhicheverTheEngine() {
		DecodeEstimate progressive = DecodeEstimate
			.of(SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6144, 4096), 1024);

		assertThat(progressive.heldAtOnce(true)).isEqualTo(6144L * 4096 * 3);
		assertThat(progressive.heldAtOnce(false)).isEqualTo(6144L * 4096 * 3);
	}

	@Test
	void aHeifOfAKnownSizeIsDecodedWhole() {
		byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

		assertThat(DecodeEstimate.ofSize(heic, new Dimensions(4000, 3000), 1024))
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
		assertThat(DecodeEstimate.of(SampleImages.encode(SampleImages.picture(300, 200, false), "gif"), 1024).bytes())
			.isEqualTo(240_000);
		assertThat(DecodeEstimate.of("not an image".getBytes(), 1024)).isEqualTo(DecodeEstimate.UNKNOWN);
	}

}
