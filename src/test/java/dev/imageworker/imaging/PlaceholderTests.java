package dev.imageworker.imaging;

import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class PlaceholderTests {

	private static final int[] RED = { 210, 20, 30, 255 };

	private static final int[] BLUE = { 20, 40, 200, 255 };

	@Test
	void aRedPictureWithABlueStripeIsRedNotItsMean() {
		// A third of the picture is blue: its mean would be a purple, #931b57.
		ThumbHashTests.Image image = ThumbHashTests.Image.of(90, 60, (x, y) -> (x >= 30 && x < 60) ? BLUE : RED);

		assertThat(Placeholder.of(image.width(), image.height(), image.rgba()).dominantColor()).isEqualTo("#d2141e");
	}

	@Test
	void theColourIsTheMeanOfTheFullestBinsPixels() {
		// Three shades of one red bin, and fewer pixels of a blue.
		ThumbHashTests.Image image = ThumbHashTests.Image.of(10, 10, (x, y) -> switch (y % 4) {
			case 0 -> new int[] { 208, 16, 32, 255 };
			case 1 -> new int[] { 223, 31, 47, 255 };
			case 2 -> new int[] { 214, 20, 40, 255 };
			default -> BLUE;
		});

		// Rows 0, 4, 8 (30 pixels of 208, 16, 32), 1, 5, 9 (30 of 223, 31, 47) and 2, 6
		// (20 of 214, 20, 40) against 20 blue ones: (30 * 208 + 30 * 223 + 20 * 214) / 80
		// rounds to 215, and so on.
		assertThat(Placeholder.of(10, 10, image.rgba()).dominantColor()).isEqualTo("#d71728");
	}

	@Test
	void pixelsLessThanHalfOpaqueAreLeftOut() {
		// A small opaque red square on a transparent sheet whose hidden colour is green,
		// with a wider band of blue at alpha 127.
		ThumbHashTests.Image image = ThumbHashTests.Image.of(40, 40, (x, y) -> {
			if (x < 10 && y < 10) {
				return RED;
			}
			return (y >= 30) ? new int[] { 20, 40, 200, 127 } : new int[] { 0, 255, 0, 0 };
		});

		assertThat(Placeholder.of(40, 40, image.rgba()).dominantColor()).isEqualTo("#d2141e");
	}

	@Test
	void halfOpaquePixelsCount() {
		ThumbHashTests.Image image = ThumbHashTests.Image.of(10, 10,
				(x, y) -> (y < 3) ? RED : new int[] { 20, 40, 200, 128 });

		assertThat(Placeholder.of(10, 10, image.rgba()).dominantColor()).isEqualTo("#1428c8");
	}

	@Test
	void aFullyTransparentImageIsWhiteAsItsJpegRenditions() {
		ThumbHashTests.Image image = ThumbHashTests.Image.of(20, 10, (x, y) -> new int[] { 200, 0, 0, 0 });

		Placeholder placeholder = Placeholder.of(20, 10, image.rgba());

		assertThat(placeholder.dominantColor()).isEqualTo("#ffffff");
		assertThat(ThumbHash.hasAlpha(Base64.getDecoder().decode(placeholder.thumbhash()))).isTrue();
	}

	@Test
	void ofEquallyCommonColoursTheOneMetFirstWins() {
		// Blue's bin number is lower than red's, so the order met decides, not the bin.
		ThumbHashTests.Image redOnTop = ThumbHashTests.Image.of(8, 8, (x, y) -> (y < 4) ? RED : BLUE);
		ThumbHashTests.Image blueOnTop = ThumbHashTests.Image.of(8, 8, (x, y) -> (y < 4) ? BLUE : RED);
		ThumbHashTests.Image interleaved = ThumbHashTests.Image.of(8, 8, (x, y) -> ((x + y) % 2 == 0) ? RED : BLUE);

		assertThat(Placeholder.of(8, 8, redOnTop.rgba()).dominantColor()).isEqualTo("#d2141e");
		assertThat(Placeholder.of(8, 8, blueOnTop.rgba()).dominantColor()).isEqualTo("#1428c8");
		assertThat(Placeholder.of(8, 8, interleaved.rgba()).dominantColor()).isEqualTo("#d2141e");
	}

	@Test
	void theThumbhashIsStandardBase64WithPadding() {
		// 60x100 opaque gives a hash of 19 bytes, which Base64 pads with '=='.
		ThumbHashTests.Image image = ThumbHashTests.Image.of(60, 100, (x, y) -> (y < 40) ? BLUE : RED);
		byte[] hash = ThumbHash.encode(60, 100, image.rgba());

		String thumbhash = Placeholder.of(60, 100, image.rgba()).thumbhash();

		assertThat(hash).hasSize(19);
		assertThat(thumbhash).hasSize(28).endsWith("==").isEqualTo(Base64.getEncoder().encodeToString(hash));
		assertThat(Base64.getDecoder().decode(thumbhash)).isEqualTo(hash);
	}

	@Test
	void theCopyFitsInsideTheHashesBoundNeverUpscaledAndAtLeastOnePixel() {
		assertThat(Placeholder.copySize(3000, 2000)).isEqualTo(new Dimensions(100, 67));
		assertThat(Placeholder.copySize(2000, 3000)).isEqualTo(new Dimensions(67, 100));
		assertThat(Placeholder.copySize(4000, 4000)).isEqualTo(new Dimensions(100, 100));
		assertThat(Placeholder.copySize(60, 40)).isEqualTo(new Dimensions(60, 40));
		assertThat(Placeholder.copySize(100, 100)).isEqualTo(new Dimensions(100, 100));
		assertThat(Placeholder.copySize(10_000, 10)).isEqualTo(new Dimensions(100, 1));
		assertThat(Placeholder.copySize(1, 1)).isEqualTo(new Dimensions(1, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> Placeholder.copySize(0, 10));
	}

	@Test
	void refusesACopyLargerThanTheHashesBound() {
		assertThatIllegalArgumentException().isThrownBy(() -> Placeholder.of(120, 80, new byte[120 * 80 * 4]));
	}

}
