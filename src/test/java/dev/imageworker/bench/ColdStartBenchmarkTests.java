package dev.imageworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ColdStartBenchmarkTests {

	@Test
	void eachRoundStartsWithTheNextContestant() {
		List<String> labels = List.of("today", "aot", "extracted");

		assertThat(ColdStartBenchmark.turns(labels, 1)).containsExactly("today", "aot", "extracted");
		assertThat(ColdStartBenchmark.turns(labels, 2)).containsExactly("aot", "extracted", "today");
		assertThat(ColdStartBenchmark.turns(labels, 4)).containsExactly("today", "aot", "extracted");
	}

	@Test
	void aContestantMayTryJvmOptionsAfterTheImagesOnItsLayout() {
		assertThat(ColdStartBenchmark.layoutOf("aot,-XX:TieredStopAtLevel=4,-Xss1m")).isEqualTo("aot");
		assertThat(ColdStartBenchmark.jvmOptionsOf("aot,-XX:TieredStopAtLevel=4,-Xss1m"))
			.containsExactly("-XX:TieredStopAtLevel=4", "-Xss1m");
		assertThat(ColdStartBenchmark.jvmOptionsOf("today")).isEmpty();
	}

	@Test
	void theQueuedPhotosAreTheOnesAroundTheMedianSize(@TempDir Path directory) throws IOException {
		for (int kib : List.of(500, 100, 300, 200, 400)) {
			Files.write(directory.resolve("p" + kib + ".jpg"), new byte[kib * 1024]);
		}
		Files.writeString(directory.resolve("notes.txt"), "not a photo");
		List<Path> photos = ColdStartBenchmark.photos(directory);

		assertThat(photos).hasSize(5);
		assertThat(ColdStartBenchmark.typical(photos, 1)).containsExactly(directory.resolve("p300.jpg"));
		assertThat(ColdStartBenchmark.typical(photos, 3)).containsExactly(directory.resolve("p200.jpg"),
				directory.resolve("p300.jpg"), directory.resolve("p400.jpg"));
		assertThat(ColdStartBenchmark.typical(photos, 9)).hasSize(5);
	}

	@Test
	void aResultLineHasEveryFigureInSeconds() {
		assertThat(result(8150, 8380, 6170, 402).line("today", 2)).isEqualTo(
				"RESULT today round 2 ready_s=8.15 first_completed_s=8.38 last_completed_s=8.38 cpu_s=6.17 peak_rss_mib=402");
	}

	@Test
	void theReportHasMediansPerContestantAndEndsWithTheCachedStartAgainstToday() {
		Map<String, List<ColdStartBenchmark.Result>> results = new LinkedHashMap<>();
		results.put("today",
				List.of(result(8000, 8400, 6200, 400), result(7000, 7400, 6000, 410), result(9000, 9400, 6400, 405)));
		results.put("extracted", List.of(result(6000, 6300, 5400, 395)));
		results.put("aot", List.of(result(3500, 3800, 3900, 400), result(3600, 3700, 4000, 398),
				result(5000, 5200, 3960, 402), result(3400, 3600, 3800, 399)));

		List<String> report = ColdStartBenchmark.report(results, 1);

		assertThat(report.get(0)).doesNotContain("all 1");
		assertThat(report.get(2)).isEqualTo("| today | 3 | 8.00 | 8.40 | 6.20 | 405 | 1.00x | 1.00x |");
		assertThat(report.get(4)).isEqualTo("| aot | 4 | 3.55 | 3.75 | 3.93 | 400 | 2.24x | 1.58x |");
		assertThat(report.subList(5, report.size())).containsExactly("cold-start-vs-today-extracted: 1.33",
				"cold-start-cpu-vs-today: 1.58", "cold-start-vs-today: 2.24");
	}

	@Test
	void withSeveralPhotosTheTableHasTheLastCompletedToo() {
		List<String> report = ColdStartBenchmark
			.report(Map.of("aot", List.of(new ColdStartBenchmark.Result(Duration.ofMillis(3500),
					Duration.ofMillis(3800), Duration.ofMillis(4500), Duration.ofMillis(4000), 400))), 3);

		assertThat(report.get(0)).contains("| all 3 COMPLETED s |");
		assertThat(report.get(2)).isEqualTo("| aot | 1 | 3.50 | 3.80 | 4.50 | 4.00 | 400 | no today | no today |");
		assertThat(report).as("no ratio without today").hasSize(3);
	}

	private static ColdStartBenchmark.Result result(long readyMs, long completedMs, long cpuMs, long rssMib) {
		return new ColdStartBenchmark.Result(Duration.ofMillis(readyMs), Duration.ofMillis(completedMs),
				Duration.ofMillis(completedMs), Duration.ofMillis(cpuMs), rssMib);
	}

}
