package dev.imageworker.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EndToEndBenchmarkTests {

	@Test
	void aRepeatedContestantIsComparedByItsMedianRun() {
		assertThat(EndToEndBenchmark.contestantOf("vips")).isEqualTo("vips");
		assertThat(EndToEndBenchmark.contestantOf("vips,processing.prefetch=1#3"))
			.isEqualTo("vips,processing.prefetch=1");
		assertThat(EndToEndBenchmark.median(List.of(12.0, 14.0, 11.0))).isEqualTo(12.0);
		assertThat(EndToEndBenchmark.median(List.of(14.0, 11.0))).isEqualTo(12.5);
	}

	@Test
	void eachRunGetsItsOwnResourcesWithinS3NameLimits() {
		EndToEndBenchmark.Names first = EndToEndBenchmark.Names.of("vips");
		EndToEndBenchmark.Names second = EndToEndBenchmark.Names.of("vips#2");
		EndToEndBenchmark.Names longName = EndToEndBenchmark.Names
			.of("vips,processing.prefetch=1,-XX:CompileThresholdScaling=0.1#2");

		assertThat(second.uploads()).isNotEqualTo(first.uploads()).matches("[a-z0-9-]+");
		assertThat(longName.thumbnails()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9-]+");
	}

	@Test
	void theReportIsATableEndingWithTheRatioToThePeer() {
		Map<String, EndToEndBenchmark.Result> results = new LinkedHashMap<>();
		results.put("vips", result(Duration.ofSeconds(5)));
		results.put("peer", result(Duration.ofSeconds(4)));

		List<String> report = EndToEndBenchmark.report(results);

		assertThat(report).hasSize(5);
		assertThat(report.get(2)).startsWith("| vips | 12.00 |").endsWith("| 0.80x |");
		assertThat(report.getLast()).isEqualTo("end-to-end-vs-peer: 0.80");
	}

	@Test
	void percentilesAreNearestRank() {
		List<Duration> latencies = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
				Duration.ofSeconds(4));

		assertThat(EndToEndBenchmark.percentile(latencies, 50)).isEqualTo(Duration.ofSeconds(2));
		assertThat(EndToEndBenchmark.percentile(latencies, 99)).isEqualTo(Duration.ofSeconds(4));
	}

	/** 60 images measured in {@code elapsed}. */
	private static EndToEndBenchmark.Result result(Duration elapsed) {
		return new EndToEndBenchmark.Result(60, elapsed, Duration.ofSeconds(2), Duration.ofSeconds(3), 480,
				Duration.ofSeconds(5), Duration.ofSeconds(1));
	}

}
