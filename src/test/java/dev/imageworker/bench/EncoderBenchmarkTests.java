package dev.imageworker.bench;

import java.util.List;
import java.util.Map;

import dev.imageworker.config.Formats;
import dev.imageworker.config.OutputFormat;
import dev.imageworker.imaging.Rendition;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EncoderBenchmarkTests {

	private static final Formats DEFAULTS = TestProperties.bind(Map.of()).formats();

	@Test
	void theTableMarksTheDefaultEffortsAndEndsWithThemAgainstJpeg() {
		Rendition.Encoding jpeg = encoding(OutputFormat.JPEG);
		Rendition.Encoding webp = encoding(OutputFormat.WEBP);
		Rendition.Encoding avif = encoding(OutputFormat.AVIF);
		Rendition.Encoding slowAvif = new Rendition.Encoding(OutputFormat.AVIF, avif.quality() - 5, avif.effort() + 2);
		Map<Rendition.Encoding, EncoderBenchmark.Quality> qualities = Map.of(jpeg,
				new EncoderBenchmark.Quality(0.978, 0.92, 50_000, 1), webp,
				new EncoderBenchmark.Quality(0.979, 0.96, 36_000, 25), avif,
				new EncoderBenchmark.Quality(0.9785, 0.95, 27_000, 90), slowAvif,
				new EncoderBenchmark.Quality(0.9786, 0.95, 24_000, 600));
		Map<Rendition.Encoding, List<Double>> cpu = Map.of(jpeg, List.of(1.0, 1.2, 1.1), webp,
				List.of(26.0, 27.0, 30.0), avif, List.of(90.0, 95.0, 88.0), slowAvif, List.of(640.0, 650.0, 660.0));

		List<String> table = EncoderBenchmark.table(List.of(jpeg, webp, avif, slowAvif), qualities, cpu, DEFAULTS,
				jpeg);

		assertThat(table.get(2))
			.isEqualTo("| jpeg |  | 85 | 0.97800 | 0.92000 | 50000 | 1.00x | 1.1 | 1.0x | **default** |");
		assertThat(table.get(4)).startsWith("| avif | " + avif.effort() + " | " + avif.quality() + " | 0.97850 |")
			.endsWith("| 0.54x | 90.0 | 81.8x | **default effort** |");
		assertThat(table.get(5)).endsWith("| 590.9x |  |");
		assertThat(table.subList(table.size() - 2, table.size())).containsExactly(
				"webp-vs-jpeg: bytes 0.72 cpu 24.55 ssim +0.00100 (q" + webp.quality() + " e" + webp.effort() + ")",
				"avif-vs-jpeg: bytes 0.54 cpu 81.82 ssim +0.00050 (q" + avif.quality() + " e" + avif.effort() + ")");
	}

	/** At the format's default effort, and a quality the search could have matched. */
	private static Rendition.Encoding encoding(OutputFormat format) {
		int quality = (format == OutputFormat.JPEG) ? DEFAULTS.quality(format) : 77;
		return new Rendition.Encoding(format, quality, DEFAULTS.effort(format));
	}

}
