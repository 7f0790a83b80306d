package dev.imageworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import dev.imageworker.imaging.Cancellation;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.imaging.vips.VipsPixels;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.TestProperties;
import io.micrometer.observation.ObservationRegistry;

/**
 * Whether the worker's outputs of the example variant set are as good as the sharp peer's
 * for the same photos and sizes, and how many bytes each takes: every output of both is
 * decoded by libvips and compared ({@link Ssim}) with one reference per photo and size,
 * which neither renderer made: the photo decoded at full resolution, converted to sRGB,
 * made upright and resized straight to the output's size with Lanczos 3
 * ({@link VipsPixels#reference}). The worker's outputs are the libvips engine's with the
 * example set and the configured encoder defaults, as the worker renders them; sharp's
 * are those {@code bench/sharp-peer/render.js} wrote for the same photos. The avatar, a
 * smart crop whose position the two libvips versions may choose differently, has no
 * reference: its bytes count, its SSIM is left out.
 * <p>
 * Usage: {@code RenditionSsim <photo-dir> <sharp-output-dir> [setting=value...]}, the
 * second holding {@code <photo stem>/<name>.<ext>}, the settings worker properties
 * without the {@code image-worker.} prefix to try instead of the defaults
 * ({@code formats.avif.quality=60}). Prints a row per output, then the bytes per image
 * and last {@code ssim-vs-sharp: <the worker's mean SSIM> <sharp's> <outputs where the
 * worker's is lower>}.
 */
public final class RenditionSsim {

	private static final String UNREFERENCED = "avatar";

	private RenditionSsim() {
	}

	public static void main(String[] args) throws IOException {
		Path photos = Path.of(args[0]);
		Path sharpOutputs = Path.of(args[1]);
		Map<String, String> settings = new HashMap<>(EndToEndBenchmark.SETS.get("example"));
		for (String setting : List.of(args).subList(2, args.length)) {
			String[] nameAndValue = setting.split("=", 2);
			settings.put(nameAndValue[0], nameAndValue[1]);
		}
		RenderSpec spec = RenderSpec.from(TestProperties.bind(settings));
		VipsRenderEngine engine = new VipsRenderEngine(ObservationRegistry.NOOP);
		List<Path> files;
		try (Stream<Path> list = Files.list(photos)) {
			files = list.filter((file) -> file.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted().toList();
		}
		Map<String, Totals> totals = new LinkedHashMap<>();
		for (Path file : files) {
			byte[] photo = Files.readAllBytes(file);
			String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
			Map<String, VipsPixels.Rgb> references = new HashMap<>();
			Rendering rendering = engine.render(photo, spec, new Cancellation());
			for (Rendering.Output output : rendering.outputs()) {
				String name = output.name() + "." + output.format().extension();
				byte[] sharp = Files.readAllBytes(sharpOutputs.resolve(stem).resolve(name));
				Totals row = totals.computeIfAbsent(name, (key) -> new Totals());
				row.workerBytes += output.bytes().length;
				row.sharpBytes += sharp.length;
				if (!output.name().equals(UNREFERENCED)) {
					double worker = ssim(photo, output.bytes(), references);
					double peer = ssim(photo, sharp, references);
					row.workerSsim.add(worker);
					row.sharpSsim.add(peer);
				}
			}
			System.out.println("compared " + stem);
		}
		report(totals, files.size()).forEach(System.out::println);
	}

	/** An output's SSIM against the photo's reference at the output's size. */
	private static double ssim(byte[] photo, byte[] output, Map<String, VipsPixels.Rgb> references) {
		VipsPixels.Rgb decoded = VipsPixels.decode(output);
		VipsPixels.Rgb reference = references.computeIfAbsent(decoded.width() + "x" + decoded.height(),
				(size) -> VipsPixels.reference(photo, decoded.width(), decoded.height()));
		return Ssim.mean(Ssim.Luma.ofRgb(reference.width(), reference.height(), reference.rgb()),
				Ssim.Luma.ofRgb(decoded.width(), decoded.height(), decoded.rgb()));
	}

	/** One output's bytes over the photos, and its SSIM per photo for each renderer. */
	static final class Totals {

		long workerBytes;

		long sharpBytes;

		final List<Double> workerSsim = new ArrayList<>();

		final List<Double> sharpSsim = new ArrayList<>();

	}

	/**
	 * A row per output with each renderer's mean SSIM and mean bytes, a row of the bytes
	 * per image, and the SSIM line.
	 */
	static List<String> report(Map<String, Totals> totals, int photos) {
		List<String> lines = new ArrayList<>();
		lines.add("| output | worker SSIM | sharp SSIM | photos where the worker's is lower | worker KiB | sharp KiB"
				+ " | bytes vs sharp |");
		lines.add("|---|---:|---:|---:|---:|---:|---:|");
		long workerBytes = 0;
		long sharpBytes = 0;
		List<Double> worker = new ArrayList<>();
		List<Double> sharp = new ArrayList<>();
		int lower = 0;
		for (Map.Entry<String, Totals> entry : totals.entrySet()) {
			Totals row = entry.getValue();
			workerBytes += row.workerBytes;
			sharpBytes += row.sharpBytes;
			int rowLower = 0;
			for (int i = 0; i < row.workerSsim.size(); i++) {
				if (row.workerSsim.get(i) < row.sharpSsim.get(i)) {
					rowLower++;
				}
			}
			lower += rowLower;
			worker.addAll(row.workerSsim);
			sharp.addAll(row.sharpSsim);
			lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f | %.1f | %.2fx |", entry.getKey(),
					row.workerSsim.isEmpty() ? "no reference"
							: String.format(Locale.ROOT, "%.5f", mean(row.workerSsim)),
					row.sharpSsim.isEmpty() ? "no reference" : String.format(Locale.ROOT, "%.5f", mean(row.sharpSsim)),
					row.workerSsim.isEmpty() ? "" : rowLower + " of " + row.workerSsim.size(),
					row.workerBytes / 1024.0 / photos, row.sharpBytes / 1024.0 / photos,
					(double) row.workerBytes / row.sharpBytes));
		}
		lines.add(
				String.format(Locale.ROOT, "| every output, per image | %.5f | %.5f | %d of %d | %.1f | %.1f | %.2fx |",
						mean(worker), mean(sharp), lower, worker.size(), workerBytes / 1024.0 / photos,
						sharpBytes / 1024.0 / photos, (double) workerBytes / sharpBytes));
		lines.add(String.format(Locale.ROOT, "ssim-vs-sharp: %.5f %.5f %d", mean(worker), mean(sharp), lower));
		return lines;
	}

	private static double mean(List<Double> values) {
		return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
	}

}
