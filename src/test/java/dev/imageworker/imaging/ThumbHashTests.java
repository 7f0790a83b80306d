package dev.imageworker.imaging;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class ThumbHashTests {

	// Made once by the reference encoder, rgbaToThumbHash of the npm package thumbhash
	// 0.1.1 (the reference's own JavaScript), run with node 20 on the pixels of the
	// images below, built by the same formulas in JavaScript, and printed as hex.

	private static final String FLAT_HASH = "181b030700f7b7ca78788888788787878778489f77f27807";

	private static final String LANDSCAPE_HASH = "dff70d0d9a80878771787888887887888f8008f878";

	private static final String PORTRAIT_HASH = "9d8709640478f878b8888658789887707698f8";

	private static final String ALPHA_HASH = "987a8305003808588788737857087880800708588788808858";

	private static final double QUANTISATION = 0.025;

	@Test
	void aHashFromTheReferenceEncoderDecodesToItsImagesAverageColourAndRatio() {
		byte[] hash = HexFormat.of().parseHex(LANDSCAPE_HASH);
		Image landscape = landscape();

		ThumbHash.Rgba average = ThumbHash.averageColor(hash);

		assertThat(average.red()).isCloseTo(landscape.mean(0), within(QUANTISATION));
		assertThat(average.green()).isCloseTo(landscape.mean(1), within(QUANTISATION));
		assertThat(average.blue()).isCloseTo(landscape.mean(2), within(QUANTISATION));
		assertThat(average.alpha()).isEqualTo(1);
		// 100x67 has 7 luminance terms across and 5 down.
		assertThat(ThumbHash.approximateAspectRatio(hash)).isEqualTo(7.0 / 5);
		assertThat(ThumbHash.hasAlpha(hash)).isFalse();
	}

	@Test
	void encodesTheReferenceEncodersBytes() {
		assertThat(hex(flat())).isEqualTo(FLAT_HASH);
		assertThat(hex(landscape())).isEqualTo(LANDSCAPE_HASH);
		assertThat(hex(portrait())).isEqualTo(PORTRAIT_HASH);
		assertThat(hex(alpha())).isEqualTo(ALPHA_HASH);
	}

	@Test
	void aFlatColourIsItsOwnAverageInAnOpaqueSquare() {
		byte[] hash = encode(flat());

		assertThat(ThumbHash.hasAlpha(hash)).isFalse();
		assertThat(ThumbHash.approximateAspectRatio(hash)).isEqualTo(1);
		ThumbHash.Rgba average = ThumbHash.averageColor(hash);
		assertThat(average.red()).isCloseTo(200 / 255.0, within(QUANTISATION));
		assertThat(average.green()).isCloseTo(60 / 255.0, within(QUANTISATION));
		assertThat(average.blue()).isCloseTo(30 / 255.0, within(QUANTISATION));
		assertThat(average.alpha()).isEqualTo(1);
	}

	@Test
	void landscapeAndPortraitKeepTheirAspectRatio() {
		byte[] landscape = encode(landscape());
		byte[] portrait = encode(portrait());

		assertThat(ThumbHash.approximateAspectRatio(landscape)).isCloseTo(100 / 67.0, within(0.15));
		assertThat(ThumbHash.approximateAspectRatio(portrait)).isCloseTo(60 / 100.0, within(0.1));
		Image image = portrait();
		ThumbHash.Rgba average = ThumbHash.averageColor(portrait);
		assertThat(average.red()).isCloseTo(image.mean(0), within(QUANTISATION));
		assertThat(average.green()).isCloseTo(image.mean(1), within(QUANTISATION));
		assertThat(average.blue()).isCloseTo(image.mean(2), within(QUANTISATION));
	}

	@Test
	void transparencySetsTheAlphaFlagAndTheAverageOpacity() {
		Image image = alpha();
		byte[] hash = encode(image);

		assertThat(ThumbHash.hasAlpha(hash)).isTrue();
		// With alpha the luminance gets 5 terms a side and the hash a byte for alpha.
		assertThat(ThumbHash.approximateAspectRatio(hash)).isEqualTo(1);
		ThumbHash.Rgba average = ThumbHash.averageColor(hash);
		// The colour is that of the visible pixels, not dragged towards the transparent
		// black around them; alpha has 4 bits.
		assertThat(average.red()).isCloseTo(220 / 255.0, within(QUANTISATION));
		assertThat(average.green()).isCloseTo(30 / 255.0, within(QUANTISATION));
		assertThat(average.blue()).isCloseTo(40 / 255.0, within(QUANTISATION));
		assertThat(average.alpha()).isCloseTo(image.mean(3), within(1 / 30.0));
		assertThat(ThumbHash.hasAlpha(encode(flat()))).isFalse();
	}

	@Test
	void oneTransparentPixelIsEnoughForTheAlphaFlag() {
		Image image = flat();
		image.rgba()[3] = (byte) 254;

		assertThat(ThumbHash.hasAlpha(encode(image))).isTrue();
	}

	@Test
	void refusesImagesOutsideTheFormatsBoundsAndBuffersOfTheWrongSize() {
		assertThatIllegalArgumentException().isThrownBy(() -> ThumbHash.encode(101, 10, new byte[101 * 10 * 4]))
			.withMessageContaining("101x10");
		assertThatIllegalArgumentException().isThrownBy(() -> ThumbHash.encode(10, 0, new byte[0]));
		assertThatIllegalArgumentException().isThrownBy(() -> ThumbHash.encode(10, 10, new byte[10 * 10 * 3]))
			.withMessageContaining("400 bytes");
	}

	private static String hex(Image image) {
		return HexFormat.of().formatHex(encode(image));
	}

	private static byte[] encode(Image image) {
		return ThumbHash.encode(image.width(), image.height(), image.rgba());
	}

	private static Image flat() {
		return Image.of(100, 100, (x, y) -> new int[] { 200, 60, 30, 255 });
	}

	private static Image landscape() {
		return Image.of(100, 67, (x, y) -> new int[] { x * 255 / 99, y * 255 / 66, (x + y) * 255 / 165, 255 });
	}

	private static Image portrait() {
		return Image.of(60, 100, (x, y) -> (y < 40) ? new int[] { 100, 150, 230, 255 } : new int[] { y, 140, 60, 255 });
	}

	/** A red disc, a half-transparent ring around it, transparent black outside. */
	private static Image alpha() {
		return Image.of(64, 64, (x, y) -> {
			int distance = (2 * x - 63) * (2 * x - 63) + (2 * y - 63) * (2 * y - 63);
			if (distance < 48 * 48) {
				return new int[] { 220, 30, 40, 255 };
			}
			return (distance < 56 * 56) ? new int[] { 220, 30, 40, 128 } : new int[] { 0, 0, 0, 0 };
		});
	}

	record Image(int width, int height, byte[] rgba) {

		interface Pixels {

			int[] at(int x, int y);

		}

		static Image of(int width, int height, Pixels pixels) {
			byte[] rgba = new byte[width * height * 4];
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					int[] pixel = pixels.at(x, y);
					for (int c = 0; c < 4; c++) {
						rgba[(y * width + x) * 4 + c] = (byte) pixel[c];
					}
				}
			}
			return new Image(width, height, rgba);
		}

		/** A channel's mean over all pixels, as a fraction of full scale. */
		double mean(int channel) {
			long sum = 0;
			for (int i = channel; i < this.rgba.length; i += 4) {
				sum += this.rgba[i] & 0xff;
			}
			return sum / 255.0 / (this.width * this.height);
		}

	}

}
