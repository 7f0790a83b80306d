package dev.imageworker.bench;

import java.util.function.IntBinaryOperator;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class SsimTests {

	private static final int WIDTH = 40;

	private static final int HEIGHT = 30;

	private static final IntBinaryOperator TEXTURE = (x, y) -> (x * 37 + y * 91 + (x * y) % 17) % 256;

	@Test
	void anImageAgainstItselfIsOne() {
		Ssim.Luma texture = luma(TEXTURE);

		assertThat(Ssim.mean(texture, texture)).isEqualTo(1.0, within(1e-12));
	}

	@Test
	void flatImagesDifferOnlyInLuminance() {
		// No variance anywhere: SSIM is the luminance term (2ab + C1) / (a² + b² + C1).
		double c1 = Math.pow(0.01 * 255, 2);
		double expected = (2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1);

		assertThat(Ssim.mean(luma((x, y) -> 100), luma((x, y) -> 120))).isEqualTo(expected, within(1e-12));
	}

	/**
	 * The expected values come from an independent implementation of the paper's
	 * {@code ssim_index.m} in NumPy and SciPy: the window {@code fspecial('gaussian', 11,
	 * 1.5)} built in 2-D, {@code scipy.signal.convolve2d(..., mode='valid')} for
	 * {@code filter2}, the mean of the SSIM map.
	 */
	@Test
	void distortionsGiveTheValuesOfTheReferenceImplementation() {
		Ssim.Luma noisy = luma((x, y) -> Math.clamp(TEXTURE.applyAsInt(x, y) + (x * 5 + y * 3) % 21 - 10, 0, 255));
		Ssim.Luma gradient = luma((x, y) -> x * 4 + y * 3);
		// Contrast halved around the gradient's mean, 121.5.
		Ssim.Luma flatter = luma((x, y) -> (int) Math.round((x * 4 + y * 3 - 121.5) * 0.5 + 121.5));

		assertThat(Ssim.mean(luma(TEXTURE), noisy)).isEqualTo(0.9967235771241659, within(1e-9));
		assertThat(Ssim.mean(gradient, flatter)).isEqualTo(0.8741503857890928, within(1e-9));
	}

	@Test
	void greyPixelsHaveTheirOwnValueAsLuma() {
		byte[] rgb = { 10, 10, 10, (byte) 200, (byte) 200, (byte) 200, (byte) 255, 0, 0 };

		assertThat(Ssim.Luma.ofRgb(3, 1, rgb).values()).containsExactly(new double[] { 10, 200, 0.299 * 255 },
				within(1e-9));
	}

	@Test
	void imagesOfDifferentSizesOrSmallerThanTheWindowAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(
				() -> Ssim.mean(luma(TEXTURE), new Ssim.Luma(WIDTH, HEIGHT - 1, new double[WIDTH * (HEIGHT - 1)])));
		assertThatIllegalArgumentException().isThrownBy(
				() -> Ssim.mean(new Ssim.Luma(10, 10, new double[100]), new Ssim.Luma(10, 10, new double[100])));
	}

	private static Ssim.Luma luma(IntBinaryOperator value) {
		double[] values = new double[WIDTH * HEIGHT];
		for (int y = 0; y < HEIGHT; y++) {
			for (int x = 0; x < WIDTH; x++) {
				values[y * WIDTH + x] = value.applyAsInt(x, y);
			}
		}
		return new Ssim.Luma(WIDTH, HEIGHT, values);
	}

}
