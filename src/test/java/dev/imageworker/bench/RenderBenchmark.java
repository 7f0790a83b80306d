package dev.imageworker.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.Rendition;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import io.micrometer.observation.ObservationRegistry;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Renders every photo in a directory with one engine on the calling thread, after a
 * warm-up, and prints one {@code RESULT} line for {@code bench/render-benchmark.sh}. Each
 * engine runs in its own JVM so its peak RSS (VmHWM) is its own.
 * <p>
 * Usage: {@code RenderBenchmark <java|vips|naive> <photo-dir> [warm-up rounds] [rounds]};
 * {@code naive} is Thumbnailator decoding the source once per variant, the baseline the
 * Java engine is measured against.
 */
public final class RenderBenchmark {

	private static final RenderSpec SPEC = RenderSpec.jpeg(Map.of("medium", 1024, "thumb", 256), 85, 100_000_000);

	private RenderBenchmark() {
	}

	public static void main(String[] args) throws IOException {
		String engineName = args[0];
		Path directory = Path.of(args[1]);
		int warmUp = (args.length > 2) ? Integer.parseInt(args[2]) : 1;
		int rounds = (args.length > 3) ? Integer.parseInt(args[3]) : 3;
		RenderEngine engine = engine(engineName);
		List<Path> photos = photos(directory);

		for (int round = 0; round < warmUp; round++) {
			for (Path photo : photos) {
				time(engine, Photo.read(photo));
			}
		}
		List<Double> millis = new ArrayList<>();
		double totalMillis = 0;
		double totalMegapixels = 0;
		for (int round = 0; round < rounds; round++) {
			for (Path file : photos) {
				// One photo in memory at a time, read outside the timed region, so the
				// peak
				// RSS is the engine's and not the photo collection's.
				Photo photo = Photo.read(file);
				double ms = time(engine, photo);
				millis.add(ms);
				totalMillis += ms;
				totalMegapixels += photo.megapixels();
			}
		}
		double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		double median = sorted[sorted.length / 2];
		System.out.printf(Locale.ROOT,
				"RESULT %s images=%d median_ms=%.1f ms_per_mp=%.2f images_per_s=%.2f rss_mib=%d%n", engineName,
				photos.size(), median, totalMillis / totalMegapixels, 1000 * sorted.length / totalMillis, peakRssMib());
	}

	private record Photo(String name, byte[] bytes, double megapixels) {

		static Photo read(Path file) throws IOException {
			byte[] bytes = Files.readAllBytes(file);
			try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
				ImageReader reader = ImageIO.getImageReaders(input).next();
				try {
					reader.setInput(input);
					return new Photo(file.getFileName().toString(), bytes,
							(double) reader.getWidth(0) * reader.getHeight(0) / 1e6);
				}
				finally {
					reader.dispose();
				}
			}
		}

	}

	private static List<Path> photos(Path directory) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			List<Path> photos = files.filter((f) -> f.toString().toLowerCase(Locale.ROOT).endsWith(".jpg"))
				.sorted()
				.toList();
			if (photos.isEmpty()) {
				throw new IllegalArgumentException("no .jpg files in " + directory);
			}
			return photos;
		}
	}

	private static double time(RenderEngine engine, Photo photo) {
		long start = System.nanoTime();
		Rendering rendering;
		try {
			rendering = engine.render(photo.bytes(), SPEC, new Cancellation());
		}
		catch (PermanentFailure ex) {
			throw new IllegalStateException(engine.name() + " refused " + photo.name() + ": " + ex.getMessage(), ex);
		}
		double ms = (System.nanoTime() - start) / 1e6;
		if (rendering.outputs().size() != SPEC.renditions().size()) {
			throw new IllegalStateException(engine.name() + " lost a variant of " + photo.name());
		}
		return ms;
	}

	private static RenderEngine engine(String name) {
		return switch (name) {
			case "java" -> new JavaRenderEngine(ObservationRegistry.NOOP);
			case "vips" -> new VipsRenderEngine(ObservationRegistry.NOOP);
			case "naive" -> new NaiveThumbnailator();
			default -> throw new IllegalArgumentException("unknown engine " + name);
		};
	}

	private static long peakRssMib() throws IOException {
		return Files.readAllLines(Path.of("/proc/self/status"))
			.stream()
			.filter((line) -> line.startsWith("VmHWM:"))
			.map((line) -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
			.findFirst()
			.orElse(-1L);
	}

	/** Thumbnailator as its README shows it: one full decode per variant. */
	private static final class NaiveThumbnailator implements RenderEngine {

		@Override
		public String name() {
			return "naive";
		}

		@Override
		public Rendering render(byte[] source, RenderSpec spec, Cancellation cancellation) {
			List<Rendering.Output> outputs = new ArrayList<>();
			for (Rendition rendition : spec.renditions()) {
				ByteArrayOutputStream out = new ByteArrayOutputStream();
				try {
					Thumbnails.of(new ByteArrayInputStream(source))
						.size(rendition.width(), rendition.width())
						.outputFormat("jpg")
						.outputQuality(rendition.encodings().getFirst().quality() / 100f)
						.toOutputStream(out);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
				outputs
					.add(new Rendering.Output(rendition.name(), OutputFormat.JPEG, 0, 0, null, out.toByteArray(), 0));
			}
			return new Rendering(ImageFormat.JPEG, 0, 0, outputs, new Placeholder("", "#000000"));
		}

		@Override
		public List<String> unsupported(RenderSpec spec) {
			return List.of();
		}

	}

}
