package dev.imageworker.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GifHeaderTests {

	@Test
	void readsTheScreenTheLargestFrameAndTheFrameCountWhateverTheirOrder() {
		byte[] gif = gif(10, 10, new int[] { 0, 0, 10, 10 }, new int[] { 0, 0, 4000, 3000 },
				new int[] { 0, 0, 20, 20 });

		assertThat(GifHeader.read(gif))
			.contains(new GifHeader(new Dimensions(10, 10), new Dimensions(4000, 3000), new Dimensions(4000, 3000), 3));
	}

	@Test
	void theCanvasHoldsEveryFrameWhereItLies() {
		byte[] gif = gif(100, 40, new int[] { 0, 0, 100, 40 }, new int[] { 90, 30, 30, 20 });

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

	/**
	 * A GIF of the screen and frames ({left, top, width, height}), each after a graphic
	 * control extension, the second with a local colour table; no pixel data, as the
	 * walker reads none.
	 */
	private static byte[] gif(int width, int height, int[]... frames) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
		out.writeBytes(ByteBuffer.allocate(7)
			.order(ByteOrder.LITTLE_ENDIAN)
			.putShort((short) width)
			.putShort((short) height)
			.put((byte) 0x81)
			.put((byte) 0)
			.put((byte) 0)
			.array());
		out.writeBytes(new byte[3 * 4]);
		out.writeBytes("!\u00FE\u0005hello\u0000".getBytes(StandardCharsets.ISO_8859_1));
		for (int i = 0; i < frames.length; i++) {
			int[] frame = frames[i];
			out.writeBytes(new byte[] { 0x21, (byte) 0xF9, 4, 0, 10, 0, 0, 0 });
			boolean localTable = i == 1;
			out.writeBytes(ByteBuffer.allocate(10)
				.order(ByteOrder.LITTLE_ENDIAN)
				.put((byte) 0x2C)
				.putShort((short) frame[0])
				.putShort((short) frame[1])
				.putShort((short) frame[2])
				.putShort((short) frame[3])
				.put((byte) (localTable ? 0x82 : 0))
				.array());
			if (localTable) {
				out.writeBytes(new byte[3 * 8]);
			}
			// LZW code size, one sub-block of two bytes, the terminator.
			out.writeBytes(new byte[] { 2, 2, 0x44, 0x01, 0 });
		}
		out.write(0x3B);
		return out.toByteArray();
	}

}
