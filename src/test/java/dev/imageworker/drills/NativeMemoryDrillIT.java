package dev.imageworker.drills;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.DrillTest;
import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.sqs.model.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Images that cost native memory the heap never sees, uploaded at once into a worker
 * sized like a 512 MiB container: only the native memory budget keeps them from decoding
 * together, and refuses those that could not decode even alone. Peak RSS stays under the
 * container limit. The libvips runs are skipped without libvips.
 */
@DrillTest
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

	/**
	 * Two 20 MP and two 48 MP progressive JPEGs at once, and two 100 MP ones with a stray
	 * byte before their frame header, which libjpeg skips with a warning: the decoder
	 * holds a progressive JPEG's coefficients for the whole image, about 60, 144 and 300
	 * MB, however small the thumbnail, so the 20 MP ones decode one after the other and
	 * the others, more than a 512 MiB container sets aside for decoding, are refused from
	 * their header, the stray byte notwithstanding.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "vips", "java" })
	void largeProgressiveJpegsStayWithinTheContainer(String engine) throws InterruptedException {
		assumeThat(engine.equals("java") || vipsProblem() == null).as("libvips42 is not installed").isTrue();
		List<Drill.Upload> uploads = List.of(new Drill.Upload(SampleImages.progressiveJpeg(5472, 3648), "COMPLETED"),
				new Drill.Upload(SampleImages.progressiveJpeg(8000, 6000), "IMAGE_TOO_LARGE"),
				new Drill.Upload(SampleImages.withStrayByteBefore(SampleImages.progressiveJpeg(10_000, 10_000), 0xC2),
						"IMAGE_TOO_LARGE"));
		try (Drill drill = new Drill("progressive-" + engine)) {
			WorkerProcess worker = drill.startWorker(drill.endpoint(), "image-worker.engine", engine);
			Map<String, String> expected = drill.upload(6, (n) -> uploads.get(n % uploads.size()));
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(5));
			boolean alive = worker.isAlive();
			long peakKib = worker.peakRssKib();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally, String.format(
					"2 x 20 MP, 2 x 48 MP and 2 x 100 MP (stray byte before SOF2) progressive JPEGs at once, %s engine: "
							+ "peak RSS %d MiB (limit 512)",
					engine, peakKib / 1024));
			assertThat(alive).as("no OutOfMemoryError exit").isTrue();
			assertThat(peakKib).as("peak RSS in KiB").isLessThan(CONTAINER_LIMIT_KIB);
			assertThat(tally.completed()).isEqualTo(2);
			assertThat(tally.failedAsExpected()).isEqualTo(4);
		}
	}

	/**
	 * An Adam7-interlaced 100 MP PNG and a GIF whose 10x10 screen holds one 10000x10000
	 * frame, a few hundred KB each, beside a photo: libvips decodes the first two whole,
	 * about 400 MB at once, more than a 512 MiB container sets aside for decoding, so
	 * they are refused from their header and dead-lettered with the reason, while the
	 * worker stays up, renders the photo and leaves nothing PROCESSING.
	 */
	@Test
	void wholeDecodesBeyondTheNativeBudgetAreRefusedFromTheirHeader() throws InterruptedException {
		assumeThat(vipsProblem()).as("libvips42 is not installed: %s", vipsProblem()).isNull();
		List<Message> deadLetters = refusedWithTheWorkerUp("whole-decodes", "vips",
				"a 100 MP Adam7 PNG and a GIF of a 10x10 screen around a 100 MP frame",
				List.of(new Drill.Upload(HostileImages.interlacedPng(10_000, 10_000), "IMAGE_TOO_LARGE"),
						new Drill.Upload(HostileImages.gif(10, 10, 10_000, 10_000), "IMAGE_TOO_LARGE")));

		assertThat(deadLetters)
			.allSatisfy((message) -> assertThat(message.messageAttributes().get("failure-message").stringValue())
				.contains("is decoded whole", "MiB of native memory set aside for decoding"));
	}

	/**
	 * Files of a few hundred bytes whose headers hide what a decoder would allocate: a
	 * BMP around a cut progressive JPEG of 30000x30000 and one around a PNG of as much, a
	 * BMP declaring 2 GB of run-length data, a lossless JPEG of 10000x10000 (at the pixel
	 * limit). Each is refused before any decoder runs, with either engine (libvips hands
	 * BMPs to the Java one).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "vips", "java" })
	void hostileHeadersAreRefusedBeforeAnyDecoderRuns(String engine) throws InterruptedException {
		assumeThat(engine.equals("java") || vipsProblem() == null).as("libvips42 is not installed").isTrue();
		refusedWithTheWorkerUp("hostile-headers-" + engine, engine,
				"BMPs around a 30000x30000 JPEG and PNG, a BMP declaring 2 GB, a 10000x10000 lossless JPEG",
				List.of(new Drill.Upload(HostileImages.bmpAround(HostileImages.BI_JPEG,
						HostileImages.cutProgressiveJpeg(30_000, 30_000)), "UNSUPPORTED_FORMAT"),
						new Drill.Upload(
								HostileImages.bmpAround(HostileImages.BI_PNG, SampleImages.pngBomb(30_000, 30_000)),
								"UNSUPPORTED_FORMAT"),
						new Drill.Upload(HostileImages.rle8BmpDeclaring(0x7FFFFFF0L), "CORRUPT_IMAGE"),
						new Drill.Upload(HostileImages.losslessJpeg(10_000, 10_000), "UNSUPPORTED_FORMAT")));
	}

	/**
	 * Uploads the hostile files and a photo to a worker in a 512 MiB container: the
	 * worker stays up within the limit, renders the photo, leaves nothing PROCESSING, and
	 * dead-letters each hostile file once with its failure code and reason.
	 * @return the dead letters
	 */
	private static List<Message> refusedWithTheWorkerUp(String name, String engine, String description,
			List<Drill.Upload> hostile) throws InterruptedException {
		List<Drill.Upload> uploads = new ArrayList<>(hostile);
		uploads.add(Drill.Upload.SMALL);
		try (Drill drill = new Drill(name)) {
			WorkerProcess worker = drill.startWorker(drill.endpoint(), "image-worker.engine", engine);
			Map<String, String> expected = drill.upload(uploads.size(), uploads::get);
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(3));
			boolean alive = worker.isAlive();
			long peakKib = worker.peakRssKib();
			List<Message> deadLetters = drill.receiveDeadLetters();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format("%s, %s engine: peak RSS %d MiB (limit 512)", description, engine, peakKib / 1024));
			assertThat(alive).as("no OutOfMemoryError exit").isTrue();
			assertThat(peakKib).as("peak RSS in KiB").isLessThan(CONTAINER_LIMIT_KIB);
			assertThat(tally.missing()).as("nothing left PROCESSING").isZero();
			assertThat(tally.completed()).isEqualTo(1);
			assertThat(tally.failedAsExpected()).isEqualTo(hostile.size());
			assertThat(deadLetters).hasSize(hostile.size()).allSatisfy((message) -> {
				String imageId = message.messageAttributes().get("image-id").stringValue();
				assertThat(message.messageAttributes().get("failure-code").stringValue()).as(imageId)
					.isEqualTo(expected.get(imageId));
				assertThat(message.messageAttributes().get("failure-message").stringValue()).isNotBlank();
			});
			return deadLetters;
		}
	}

	private static String vipsProblem() {
		try {
			new VipsRenderEngine(ObservationRegistry.NOOP);
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
