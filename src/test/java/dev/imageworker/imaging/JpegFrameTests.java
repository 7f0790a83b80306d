package dev.imageworker.imaging;

import java.awt.image.BufferedImage;
import java.util.List;

import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JpegFrameTests {

	private static final JpegFrame.Sampling FULL = new JpegFrame.Sampling(1, 1);

	@Test
	void readsASequentialFrame() {
		assertThat(JpegFrame.read(SampleImages.jpeg(100, 60)))
			.contains(new JpegFrame(100, 60, false, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)));
	}

	@Test
	void readsAProgressiveFrame() {
		assertThat(JpegFrame.read(SampleImages.progressiveJpeg(100, 60)))
			.contains(new JpegFrame(100, 60, true, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)));
	}

	@Test
	void readsTheFrameBehindExtraneousBytesAsLibjpegDoes() {
		byte[] stray = SampleImages.withStrayByteBefore(SampleImages.progressiveJpeg(100, 60), 0xC2);

		assertThat(JpegFrame.read(stray))
			.contains(new JpegFrame(100, 60, true, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)));
	}

	@Test
	void aSequentialJpegHoldsNoCoefficients() {
		assertThat(
				new JpegFrame(6000, 4000, false, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)).coefficientBytes())
			.isZero();
	}

	@Test
	void aProgressiveJpegHoldsEveryBlockOfEveryComponentRoundedUpToWholeMcus() {
		// 4:2:0: luma 14 x 8 blocks of 100 x 60 after rounding 13 x 8 up to the 2 x 2
		// MCU, each chroma component 7 x 4; 128 bytes a block.
		assertThat(new JpegFrame(100, 60, true, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)).coefficientBytes())
			.isEqualTo((14 * 8 + 2 * 7 * 4) * 128);
		assertThat(
				new JpegFrame(6144, 4096, true, List.of(new JpegFrame.Sampling(2, 2), FULL, FULL)).coefficientBytes())
			.isEqualTo(6144L * 4096 * 3);
		assertThat(new JpegFrame(6144, 4096, true, List.of(FULL, FULL, FULL)).coefficientBytes()).as("4:4:4")
			.isEqualTo(6144L * 4096 * 6);
		assertThat(new JpegFrame(6144, 4096, true, List.of(FULL)).coefficientBytes()).as("grey")
			.isEqualTo(6144L * 4096 * 2);
	}

	@Test
	void readsAGreyFrame() {
		BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);

		assertThat(JpegFrame.read(SampleImages.encode(grey, "jpeg")))
			.contains(new JpegFrame(40, 30, false, List.of(FULL)));
	}

	@Test
	void findsNoFrameInDamagedOrForeignData() {
		byte[] jpeg = SampleImages.jpeg(100, 60);

		assertThat(JpegFrame.read(SampleImages.truncated(jpeg, 0.02))).isEmpty();
		assertThat(JpegFrame.read(SampleImages.png(10, 10, false))).isEmpty();
		assertThat(JpegFrame.read(new byte[] { (byte) 0xFF, (byte) 0xD8 })).isEmpty();
		assertThat(JpegFrame.read(new byte[] { (byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 1 })).isEmpty();
	}

}
