package dev.imageworker.drills;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Two 100 MP 16-bit RGBA PNGs uploaded at once into a worker sized like a 512 MiB
 * container, rendering with libvips: each costs libvips about 300 MB of native memory the
 * heap never sees, so only the native memory budget keeps the two from decoding together.
 * Peak RSS stays under the container limit. Skipped without libvips.
 */
class NativeMemoryDrillIT {

	private static final long CONTAINER_LIMIT_KIB = 512 * 1024;

	@Test
	void hundredMegapixelRgbaPngsStayWithinTheContainer() throws InterruptedException {
		assumeThat(vipsProblem()).as("libvips42 is not installed: %s", vipsProblem()).isNull();
		Drill.Upload rgb = new Drill.Upload(png(10_000, 10_000, 8, false), "COMPLETED");
		Drill.Upload rgba = new Drill.Upload(png(10_000, 10_000, 16, true), "IMAGE_TOO_LARGE");
		try (Drill drill = new Drill("native-memory")) {
			WorkerProcess worker = drill.startWorker(drill.endpoint(), "image-worker.engine", "vips");
			Map<String, String> expected = drill.upload(4, (n) -> (n % 2 == 0) ? rgb : rgba);
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(5));
			boolean alive = worker.isAlive();
			long peakKib = worker.peakRssKib();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally, String.format(
					"2 x 100 MP 8-bit RGB and 2 x 16-bit RGBA PNGs at once, vips engine: peak RSS %d MiB (limit 512)",
					peakKib / 1024));
			assertThat(alive).as("no OutOfMemoryError exit").isTrue();
			assertThat(peakKib).as("peak RSS in KiB").isLessThan(CONTAINER_LIMIT_KIB);
			assertThat(tally.completed()).isEqualTo(2);
			assertThat(tally.failedAsExpected()).isEqualTo(2);
		}
	}

	private static String vipsProblem() {
		try {
			new VipsRenderEngine();
			return null;
		}
		catch (IllegalStateException ex) {
			return ex.getMessage();
		}
	}

	/**
	 * A single-colour red PNG, half-transparent with alpha: hundreds of MB of samples
	 * that deflate to about a megabyte, so the upload is small and the decode is not.
	 */
	static byte[] png(int width, int height, int bitDepth, boolean alpha) {
		int bytesPerSample = bitDepth / 8;
		int bytesPerPixel = (alpha ? 4 : 3) * bytesPerSample;
		byte[] row = new byte[1 + width * bytesPerPixel];
		for (int x = 0; x < width; x++) {
			// Big-endian samples, after the row's filter byte (0).
			int pixel = 1 + x * bytesPerPixel;
			for (int i = 0; i < bytesPerSample; i++) {
				row[pixel + i] = (byte) 0xFF;
			}
			if (alpha) {
				row[pixel + 3 * bytesPerSample] = (byte) 0x80;
			}
		}
		ByteArrayOutputStream idat = new ByteArrayOutputStream();
		try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED),
				1 << 16)) {
			for (int y = 0; y < height; y++) {
				deflate.write(row);
			}
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		return SampleImages.png(width, height, bitDepth, alpha ? 6 : 2, idat.toByteArray());
	}

}
