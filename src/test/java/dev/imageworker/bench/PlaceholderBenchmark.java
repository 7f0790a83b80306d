package dev.imageworker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

import dev.imageworker.imaging.Dimensions;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.imaging.ThumbHash;

/**
 * Times a placeholder, ThumbHash and dominant colour together, on the copies the engines
 * hand over: 100x100 (a square photo), 100x67 (a 3:2 photo) and 100x100 with alpha. On
 * the calling thread, after a warm-up, in batches of {@value #BATCH} calls; prints one
 * {@code RESULT} line per copy with the median batch's time per call, elapsed and the
 * thread's CPU (which a busy machine inflates less), for the placeholder and for the
 * ThumbHash alone.
 * <p>
 * The copies are made in code: a sky, a horizon, a disc and noise. The work of both
 * depends on the copy's size and on whether it has alpha, not on what it shows.
 * <p>
 * Usage: {@code PlaceholderBenchmark [warm-up batches] [batches]}.
 */
public final class PlaceholderBenchmark {

	private static final int BATCH = 50;

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private PlaceholderBenchmark() {
	}

	public static void main(String[] args) {
		int warmUp = (args.length > 0) ? Integer.parseInt(args[0]) : 100;
		int batches = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		List<Copy> copies = List.of(Copy.of("square", Placeholder.copySize(4000, 4000), false),
				Copy.of("3:2", Placeholder.copySize(6000, 4000), false),
				Copy.of("alpha", Placeholder.copySize(1000, 1000), true));

		for (int i = 0; i < warmUp; i++) {
			for (Copy copy : copies) {
				batch(copy, PlaceholderBenchmark::placeholder);
				batch(copy, PlaceholderBenchmark::thumbHash);
			}
		}
		for (Copy copy : copies) {
			List<Timing> placeholder = new ArrayList<>();
			List<Timing> thumbHash = new ArrayList<>();
			for (int i = 0; i < batches; i++) {
				placeholder.add(batch(copy, PlaceholderBenchmark::placeholder));
				thumbHash.add(batch(copy, PlaceholderBenchmark::thumbHash));
			}
			System.out.printf(Locale.ROOT,
					"RESULT %s %dx%d placeholder_us=%.1f placeholder_cpu_us=%.1f thumbhash_us=%.1f thumbhash_cpu_us=%.1f%n",
					copy.name(), copy.width(), copy.height(), median(placeholder, Timing::micros),
					median(placeholder, Timing::cpuMicros), median(thumbHash, Timing::micros),
					median(thumbHash, Timing::cpuMicros));
		}
	}

	/** Elapsed and CPU time per call of one batch. */
	private record Timing(double micros, double cpuMicros) {

	}

	private static Timing batch(Copy copy, Consumer<Copy> work) {
		long cpu = THREADS.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		for (int i = 0; i < BATCH; i++) {
			work.accept(copy);
		}
		long elapsed = System.nanoTime() - start;
		return new Timing(elapsed / 1e3 / BATCH, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e3 / BATCH);
	}

	private static void placeholder(Copy copy) {
		Placeholder placeholder = Placeholder.of(copy.width(), copy.height(), copy.rgba());
		// Read the result, so the work cannot be left out as unused.
		if (placeholder.dominantColor().length() != 7) {
			throw new IllegalStateException("no dominant colour for " + copy.name());
		}
	}

	private static void thumbHash(Copy copy) {
		if (ThumbHash.encode(copy.width(), copy.height(), copy.rgba()).length < 5) {
			throw new IllegalStateException("no ThumbHash for " + copy.name());
		}
	}

	private static double median(List<Timing> timings, ToDoubleFunction<Timing> value) {
		double[] sorted = timings.stream().mapToDouble(value).sorted().toArray();
		return sorted[sorted.length / 2];
	}

	private record Copy(String name, int width, int height, byte[] rgba) {

		/** A sky over a horizon, a warm disc and noise; with alpha, a cut-out disc. */
		static Copy of(String name, Dimensions size, boolean alpha) {
			int width = size.width();
			int height = size.height();
			SplittableRandom noise = new SplittableRandom(42);
			byte[] rgba = new byte[width * height * 4];
			for (int y = 0; y < height; y++) {
				for (int x = 0; x < width; x++) {
					double dx = x - width * 0.6;
					double dy = y - height * 0.4;
					boolean disc = dx * dx + dy * dy < (height * 0.2) * (height * 0.2);
					int[] pixel;
					if (disc) {
						pixel = new int[] { 240, 180, 60 };
					}
					else if (y < height / 2) {
						pixel = new int[] { 90 + y, 140 + y, 230 };
					}
					else {
						pixel = new int[] { 60 + x / 2, 110 - y / 4, 40 };
					}
					int at = (y * width + x) * 4;
					for (int c = 0; c < 3; c++) {
						rgba[at + c] = (byte) Math.clamp(pixel[c] + noise.nextInt(-6, 7), 0, 255);
					}
					rgba[at + 3] = (byte) ((!alpha || disc) ? 255 : 0);
				}
			}
			return new Copy(name, width, height, rgba);
		}

	}

}
