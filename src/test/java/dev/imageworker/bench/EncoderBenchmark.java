package dev.imageworker.bench;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import dev.imageworker.config.Formats;
import dev.imageworker.config.OutputFormat;
import dev.imageworker.config.VariantSpec;
import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.Rendition;
import dev.imageworker.imaging.vips.VipsPixels;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.TestProperties;
import io.micrometer.observation.ObservationRegistry;

/**
 * What each encoder setting costs and saves on camera photos at one width, to choose the
 * WebP and AVIF defaults by: for JPEG at its default quality, WebP at each effort and
 * AVIF at each effort, the CPU per output, the bytes, and the SSIM ({@link Ssim}) against
 * the exact reference, each WebP and AVIF effort at the lowest quality whose mean SSIM
 * over the photos is no lower than JPEG's.
 * <p>
 * The reference is the worker's own resize: the libvips engine renders each photo to the
 * width losslessly (PNG). Every encode is the engine's own render of those reference
 * pixels (handed over as an uncompressed TIFF, so decoding them costs next to nothing) to
 * the same width in one format, as the worker encodes, on one thread with libvips'
 * concurrency at 1. An output is decoded back to pixels by libvips. The quality search is
 * a bisection on the integer quality over all the photos, which also warms the JIT and
 * libvips up; then, in each of several passes, the settings one after the other, every
 * setting encodes every photo (several times over in one render for the fast ones, so
 * that a photo takes about {@value #ENCODE_MS_PER_PHOTO} ms of encoding), and the
 * process's CPU time around it, less that of rendering every photo with no output at all
 * (the TIFF decode and the placeholder) just before, is its CPU per output. The table
 * gives each setting's median pass.
 * <p>
 * Usage: {@code EncoderBenchmark <photo-dir> [width] [passes] [webp efforts] [avif
 * efforts]}, efforts comma-separated ({@code 2,4,6}). Prints the table and last the lines
 * {@code webp-vs-jpeg: ...} and {@code avif-vs-jpeg: ...}: bytes and CPU per output at
 * the default efforts against JPEG's.
 */
public final class EncoderBenchmark {

	private static final long MAX_PIXELS = 100_000_000;

	private static final double ENCODE_MS_PER_PHOTO = 40;

	private final VipsRenderEngine engine = new VipsRenderEngine(ObservationRegistry.NOOP);

	private final List<Photo> photos = new ArrayList<>();

	private final int width;

	private final Map<Rendition.Encoding, Quality> qualities = new HashMap<>();

	private EncoderBenchmark(int width) {
		this.width = width;
	}

	public static void main(String[] args) throws IOException {
		Path directory = Path.of(args[0]);
		int width = (args.length > 1) ? Integer.parseInt(args[1]) : 640;
		int passes = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
		List<Integer> webpEfforts = efforts((args.length > 3) ? args[3] : "2,4,6");
		List<Integer> avifEfforts = efforts((args.length > 4) ? args[4] : "0,2,4,6");
		Formats defaults = TestProperties.bind(Map.of()).formats();
		EncoderBenchmark benchmark = new EncoderBenchmark(width);
		List<Path> files;
		try (Stream<Path> list = Files.list(directory)) {
			files = list.filter((file) -> file.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted().toList();
		}
		for (Path file : files) {
			benchmark.photos.add(benchmark.photo(file));
		}
		System.out.printf("photos: %d JPEGs in %s at %d px wide; %d timed passes%n", files.size(), directory, width,
				passes);

		Rendition.Encoding jpeg = new Rendition.Encoding(OutputFormat.JPEG, defaults.quality(OutputFormat.JPEG), 0);
		double target = benchmark.quality(jpeg).ssim();
		System.out.printf(Locale.ROOT, "JPEG q%d: mean SSIM %.5f, the target%n", jpeg.quality(), target);
		List<Rendition.Encoding> settings = new ArrayList<>(List.of(jpeg));
		for (int effort : webpEfforts) {
			settings.add(benchmark.matching(OutputFormat.WEBP, effort, target));
		}
		for (int effort : avifEfforts) {
			settings.add(benchmark.matching(OutputFormat.AVIF, effort, target));
		}
		for (OutputFormat format : List.of(OutputFormat.WEBP, OutputFormat.AVIF)) {
			Rendition.Encoding configured = new Rendition.Encoding(format, defaults.quality(format),
					defaults.effort(format));
			if (!settings.contains(configured)) {
				benchmark.quality(configured);
				settings.add(configured);
			}
		}

		Map<Rendition.Encoding, List<Double>> cpu = benchmark.time(settings, passes);
		List<String> table = table(settings, benchmark.qualities, cpu, defaults, jpeg);
		String title = String.format(Locale.ROOT, "Encoder benchmark %s: %d photos at %d px, %d passes",
				LocalDate.now(), files.size(), width, passes);
		Path report = Path.of("target", "encoder-benchmark.md");
		Files.createDirectories(report.getParent());
		Files.write(report, Stream.concat(Stream.of("# " + title, ""), table.stream()).toList());
		System.out.println("report: " + report.toAbsolutePath().toUri());
		table.forEach(System.out::println);
	}

	private static List<Integer> efforts(String list) {
		return list.isBlank() ? List.of() : Arrays.stream(list.split(",")).map(Integer::parseInt).toList();
	}

	/**
	 * A photo's reference pixels at the width, their luma, and the same pixels as an
	 * uncompressed TIFF, the input of every encode; the engine must read the TIFF back to
	 * exactly the reference.
	 */
	private Photo photo(Path file) throws IOException {
		byte[] png = render(Files.readAllBytes(file), new Rendition.Encoding(OutputFormat.PNG, 0, 0)).bytes();
		VipsPixels.Rgb reference = VipsPixels.decode(png);
		byte[] tiff = tiff(reference);
		byte[] again = VipsPixels.decode(render(tiff, new Rendition.Encoding(OutputFormat.PNG, 0, 0)).bytes()).rgb();
		if (!Arrays.equals(again, reference.rgb())) {
			throw new IllegalStateException("the engine does not read " + file + "'s reference TIFF back exactly");
		}
		return new Photo(Ssim.Luma.ofRgb(reference.width(), reference.height(), reference.rgb()), tiff);
	}

	private record Photo(Ssim.Luma reference, byte[] tiff) {
	}

	/** Uncompressed, so that decoding it for each encode costs next to nothing. */
	private static byte[] tiff(VipsPixels.Rgb pixels) throws IOException {
		BufferedImage image = new BufferedImage(pixels.width(), pixels.height(), BufferedImage.TYPE_3BYTE_BGR);
		byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
		for (int i = 0; i < bgr.length; i += 3) {
			bgr[i] = pixels.rgb()[i + 2];
			bgr[i + 1] = pixels.rgb()[i + 1];
			bgr[i + 2] = pixels.rgb()[i];
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		if (!ImageIO.write(image, "tiff", out)) {
			throw new IllegalStateException("no TIFF writer");
		}
		return out.toByteArray();
	}

	/** One output of the source at the width, as the worker renders it. */
	private Rendering.Output render(byte[] source, Rendition.Encoding encoding) {
		return this.engine.render(source, spec(List.of(encoding)), new Cancellation()).outputs().getFirst();
	}

	private RenderSpec spec(List<Rendition.Encoding> encodings) {
		return new RenderSpec(List.of(new Rendition("bench", "bench", Rendition.Sizing.WIDTH, this.width, 0,
				VariantSpec.Crop.CENTRE, encodings)), new int[] { 255, 255, 255 }, MAX_PIXELS, 1);
	}

	/**
	 * A setting's mean and lowest SSIM, mean bytes and mean wall-clock encode time over
	 * the photos, each photo encoded once and decoded by libvips.
	 */
	record Quality(double ssim, double lowestSsim, double bytes, double encodeMs) {
	}

	private Quality quality(Rendition.Encoding encoding) {
		Quality known = this.qualities.get(encoding);
		if (known != null) {
			return known;
		}
		double ssim = 0;
		double lowest = 1;
		double bytes = 0;
		double encodeMs = 0;
		for (Photo photo : this.photos) {
			Rendering.Output output = render(photo.tiff(), encoding);
			byte[] encoded = output.bytes();
			encodeMs += output.encodeNanos() / 1e6;
			VipsPixels.Rgb decoded = VipsPixels.decode(encoded);
			double value = Ssim.mean(photo.reference(),
					Ssim.Luma.ofRgb(decoded.width(), decoded.height(), decoded.rgb()));
			ssim += value;
			lowest = Math.min(lowest, value);
			bytes += encoded.length;
		}
		Quality quality = new Quality(ssim / this.photos.size(), lowest, bytes / this.photos.size(),
				encodeMs / this.photos.size());
		this.qualities.put(encoding, quality);
		System.out.printf(Locale.ROOT, "%s q%d e%d: mean SSIM %.5f, %.0f bytes%n", encoding.format().id(),
				encoding.quality(), encoding.effort(), quality.ssim(), quality.bytes());
		return quality;
	}

	/**
	 * The lowest quality at the effort whose mean SSIM is at least the target, by
	 * bisection over 1 to 100 (SSIM grows with the quality); 100 when none reaches it.
	 */
	private Rendition.Encoding matching(OutputFormat format, int effort, double target) {
		int low = 1;
		int high = 100;
		while (low < high) {
			int middle = (low + high) / 2;
			if (quality(new Rendition.Encoding(format, middle, effort)).ssim() >= target) {
				high = middle;
			}
			else {
				low = middle + 1;
			}
		}
		return new Rendition.Encoding(format, low, effort);
	}

	/** Each setting's CPU ms per output in every pass, as the class comment says. */
	private Map<Rendition.Encoding, List<Double>> time(List<Rendition.Encoding> settings, int passes) {
		Map<Rendition.Encoding, List<Double>> cpu = new HashMap<>();
		for (int pass = 1; pass <= passes; pass++) {
			for (Rendition.Encoding setting : settings) {
				double none = cpuMsPerPhoto(List.of());
				int repeats = (int) Math.clamp(Math.round(ENCODE_MS_PER_PHOTO / this.qualities.get(setting).encodeMs()),
						1, 20);
				double ms = (cpuMsPerPhoto(Collections.nCopies(repeats, setting)) - none) / repeats;
				cpu.computeIfAbsent(setting, (key) -> new ArrayList<>()).add(ms);
				System.out.printf(Locale.ROOT,
						"RESULT pass %d %s q%d e%d cpu_ms_per_output=%.2f repeats=%d no_output_ms=%.2f%n", pass,
						setting.format().id(), setting.quality(), setting.effort(), ms, repeats, none);
			}
		}
		return cpu;
	}

	private double cpuMsPerPhoto(List<Rendition.Encoding> encodings) {
		RenderSpec spec = spec(encodings);
		long before = ProcessCpu.selfNanos();
		for (Photo photo : this.photos) {
			this.engine.render(photo.tiff(), spec, new Cancellation());
		}
		return (ProcessCpu.selfNanos() - before) / 1e6 / this.photos.size();
	}

	/**
	 * One row per setting: its quality and effort, SSIM, bytes and median CPU, the last
	 * two also against JPEG's; JPEG's default quality and the default efforts marked.
	 * Then the ratio lines of the default efforts.
	 */
	static List<String> table(List<Rendition.Encoding> settings, Map<Rendition.Encoding, Quality> qualities,
			Map<Rendition.Encoding, List<Double>> cpu, Formats defaults, Rendition.Encoding jpeg) {
		List<String> lines = new ArrayList<>();
		lines.add("| format | effort | quality | mean SSIM | lowest SSIM | bytes/output | bytes vs JPEG"
				+ " | CPU ms/output | CPU vs JPEG | default |");
		lines.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
		double jpegBytes = qualities.get(jpeg).bytes();
		double jpegCpu = EndToEndBenchmark.median(cpu.get(jpeg));
		for (Rendition.Encoding setting : settings) {
			Quality quality = qualities.get(setting);
			double ms = EndToEndBenchmark.median(cpu.get(setting));
			lines.add(String.format(Locale.ROOT, "| %s | %s | %d | %.5f | %.5f | %.0f | %.2fx | %.1f | %.1fx | %s |",
					setting.format().id(),
					(setting.format() == OutputFormat.JPEG) ? "" : Integer.toString(setting.effort()),
					setting.quality(), quality.ssim(), quality.lowestSsim(), quality.bytes(),
					quality.bytes() / jpegBytes, ms, ms / jpegCpu, marker(setting, defaults)));
		}
		for (Rendition.Encoding setting : settings) {
			Quality quality = qualities.get(setting);
			if (setting.format() != OutputFormat.JPEG && isDefault(setting, defaults) && cpu.containsKey(setting)) {
				lines.add(String.format(Locale.ROOT, "%s-vs-jpeg: bytes %.2f cpu %.2f ssim %+.5f (q%d e%d)",
						setting.format().id(), quality.bytes() / jpegBytes,
						EndToEndBenchmark.median(cpu.get(setting)) / jpegCpu,
						quality.ssim() - qualities.get(jpeg).ssim(), setting.quality(), setting.effort()));
			}
		}
		return lines;
	}

	private static String marker(Rendition.Encoding setting, Formats defaults) {
		if (!isDefault(setting, defaults)) {
			return "";
		}
		return (setting.format() == OutputFormat.JPEG) ? "**default**" : "**default effort**";
	}

	/**
	 * JPEG at its default quality; WebP and AVIF at their default effort, whatever the
	 * quality the search matched to JPEG's (the default qualities are chosen against the
	 * sharp peer, docs/benchmarks.md).
	 */
	private static boolean isDefault(Rendition.Encoding setting, Formats defaults) {
		return (setting.format() == OutputFormat.JPEG) ? setting.quality() == defaults.quality(setting.format())
				: setting.effort() == defaults.effort(setting.format());
	}

}
