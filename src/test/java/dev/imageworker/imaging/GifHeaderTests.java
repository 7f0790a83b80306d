package dev.imageworker.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GifHeaderTests {

	@Test
	void readsTheScreenTheLargestFrameAndTheFrameCountWhateverTheirOrder() {
		byte[] gif = HostileImages.gifHeaders(10, 10, new int[] { 0, 0, 10, 10 }, new int[] { 0, 0, 4000, 3000 },
				new int[] { 0, 0, 20, 20 });

		assertThat(GifHeader.read(gif))
			.contains(new GifHeader(new Dimensions(10, 10), new Dimensions(4000, 3000), new Dimensions(4000, 3000), 3));
	}

	@Test
	void theCanvasHoldsEveryFrameWhereItLies() {
		byte[] gif = HostileImages.gifHeaders(100, 40, new int[] { 0, 0, 100, 40 }, new int[] { 90, 30, 30, 20 });

		assertThat(GifHeader.read(gif)).hasValueSatisfying((header) -> {
			assertThat(header.largestFrame()).isEqualTo(new Dimensions(100, 40));
			assertThat(header.canvas()).isEqualTo(new Dimensions(120, 50));
		});
	}

	@Test
	void aFrameWhoseDataIsCutOffStillCounts() {
		byte[] gif = HostileImages.gif(10, 10, 10_000, 10_000);

		assertThat(GifHeader.read(Arrays.copyOf(gif, 40))).contains(new GifHeader(new Dimensions(10, 10),
				new Dimensions(10_000, 10_000), new Dimensions(10_000, 10_000), 1));
	}

	@Test
	void readsWhatImageIoWrites() {
		byte[] gif = SampleImages.encode(SampleImages.picture(300, 200, false), "gif");

		assertThat(GifHeader.read(gif))
			.contains(new GifHeader(new Dimensions(300, 200), new Dimensions(300, 200), new Dimensions(300, 200), 1));
	}

	@Test
	void readsNothingOfWhatIsNoGif() {
		assertThat(GifHeader.read("GIF89a".getBytes(StandardCharsets.US_ASCII))).isEmpty();
		assertThat(GifHeader.read(SampleImages.png(10, 10, false))).isEmpty();
	}

}
