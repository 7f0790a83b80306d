package dev.imageworker.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EndToEndBenchmarkTests {

	@Test
	void aContestantNamedAgainRunsAgainUnderItsOwnLabel() {
		assertThat(EndToEndBenchmark.labels(List.of("vips", "peer", "vips", "vips"))).containsExactly("vips", "peer",
				"vips#2", "vips#3");
		assertThat(EndToEndBenchmark.contestantOf("vips")).isEqualTo("vips");
		assertThat(EndToEndBenchmark.contestantOf("vips,processing.prefetch=1#3"))
			.isEqualTo("vips,processing.prefetch=1");
	}

	@Test
	void mediansOfOddAndEvenCounts() {
		assertThat(EndToEndBenchmark.median(List.of(12.0, 14.0, 11.0))).isEqualTo(12.0);
		assertThat(EndToEndBenchmark.median(List.of(14.0, 11.0))).isEqualTo(12.5);
	}

	@Test
	void aContestantMayTakeAShareOfEveryBatch() {
		EndToEndBenchmark.Plan plan = new EndToEndBenchmark.Plan(1000, 230, 3, 115);

		assertThat(EndToEndBenchmark.shareOf("java,share=0.25,-XX:+UseParallelGC")).isEqualTo(0.25);
		assertThat(EndToEndBenchmark.shareOf("vips")).isEqualTo(1.0);
		assertThat(plan.warmUpBatches(1.0)).hasSize(9).endsWith(80).allMatch((batch) -> batch <= 115);
		assertThat(plan.warmUpBatches(1.0).stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
		assertThat(plan.warmUpBatches(0.25)).startsWith(29, 29).hasSize(9);
		assertThat(new EndToEndBenchmark.Plan(0, 230, 3, 115).warmUpBatches(1.0)).isEmpty();
	}

	@Test
	void eachContestantGetsItsOwnResourcesWithinS3NameLimits() {
		EndToEndBenchmark.Names first = EndToEndBenchmark.Names.of("vips");
		EndToEndBenchmark.Names second = EndToEndBenchmark.Names.of("vips#2");
		EndToEndBenchmark.Names longName = EndToEndBenchmark.Names
			.of("vips,processing.prefetch=1,-XX:CompileThresholdScaling=0.1#2");

		assertThat(second.uploads()).isNotEqualTo(first.uploads()).matches("[a-z0-9-]+");
		assertThat(longName.thumbnails()).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9-]+");
	}

	@Test
	void theReportHasMediansPerContestantAndEndsWithTheRatiosToThePeer() {
		Map<String, List<EndToEndBenchmark.Result>> results = new LinkedHashMap<>();
		// 60 images each: vips at 12, 10 and 15 images/s with 100, 90 and 120 ms of CPU.
		results.put("vips", List.of(result(5, 100), result(6, 90), result(4, 120)));
		results.put("java,share=0.25", List.of(result(30, 400)));
		results.put("peer", List.of(result(4, 110), result(5, 120), result(6, 130)));
		results.put("peer-full", List.of(result(5, 125)));

		List<String> report = EndToEndBenchmark.report(results, Map.of("vips", 900L, "peer", 250L));

		assertThat(report.get(2)).startsWith("| vips | 3 | 12.00 | 100.0 | 10.0 | 2.0 | 3.0 | 900 |")
			.endsWith("| 1.00x | 1.20x |");
		assertThat(report.get(4)).startsWith("| peer | 3 | 12.00 | 120.0 |").endsWith("| 1.00x | 1.00x |");
		assertThat(report.subList(report.size() - 4, report.size())).containsExactly("worker-cpu-vs-peer-full: 1.25",
				"end-to-end-vs-peer-full: 1.00", "worker-cpu-vs-peer: 1.20", "end-to-end-vs-peer: 1.00");
	}

	@Test
	void againstTheSharpPeerTheWorkerWithTheSameSetGivesItsCpuAndBytesPerImageOverSharps() {
		Map<String, List<EndToEndBenchmark.Result>> results = new LinkedHashMap<>();
		results.put("vips", List.of(result(5, 100)));
		results.put("vips,set=example", List.of(result(10, 700, 400_000), result(10, 800, 410_000)));
		results.put("vips,set=example,-XX:TieredStopAtLevel=1", List.of(result(10, 900, 390_000)));
		results.put("peer", List.of(result(5, 120)));
		results.put("sharp", List.of(result(20, 1000, 380_000)));
		results.put("sharp-full", List.of(result(20, 1100, 380_000)));

		List<String> report = EndToEndBenchmark.report(results, Map.of());

		assertThat(report.get(3)).startsWith("| vips,set=example | 2 |").contains("| 395.5 |");
		assertThat(report.subList(report.size() - 6, report.size())).containsExactly("worker-cpu-vs-peer: 1.20",
				"end-to-end-vs-peer: 1.00", "worker-cpu-vs-sharp-full: 0.68", "bytes-vs-sharp-full: 1.07",
				"worker-cpu-vs-sharp: 0.75", "bytes-vs-sharp: 1.07");
	}

	@Test
	void withoutAWorkerRenderingTheSameSetThereIsNoRatioToSharp() {
		Map<String, List<EndToEndBenchmark.Result>> results = new LinkedHashMap<>();
		results.put("vips", List.of(result(5, 100)));
		results.put("sharp", List.of(result(20, 1000, 380_000)));

		assertThat(EndToEndBenchmark.report(results, Map.of())).noneMatch((line) -> line.contains("vs-sharp"));
	}

	@Test
	void aWorkerContestantMayRenderTheExampleSet() {
		assertThat(EndToEndBenchmark.setOf("vips,set=example,-XX:TieredStopAtLevel=1"))
			.containsEntry("variants.hero.widths", "320,640,1280")
			.containsEntry("variants.avatar.crop", "attention")
			.containsEntry("variants.thumb", "256");
		assertThat(EndToEndBenchmark.setOf("vips,processing.prefetch=1")).isEmpty();
		assertThatIllegalArgumentException().isThrownBy(() -> EndToEndBenchmark.setOf("vips,set=hero"));
		assertThat(EndToEndBenchmark.isPeer("sharp-full")).isTrue();
		assertThat(EndToEndBenchmark.isSharp("peer")).isFalse();
	}

	@Test
	void withoutAPeerThereAreNoRatios() {
		List<String> report = EndToEndBenchmark.report(Map.of("vips", List.of(result(5, 100))), Map.of());

		assertThat(report).hasSize(3);
		assertThat(report.getLast()).contains("no peer");
	}

	@Test
	void theWarmUpIsFlatOnceNoLaterBatchIsMoreThanToleratedAboveTheSteadyValue() {
		assertThat(EndToEndBenchmark.flatAfter(List.of(160.0, 120.0, 106.0, 104.0, 99.0), 100, 0.05))
			.isEqualTo(OptionalInt.of(3));
		assertThat(EndToEndBenchmark.flatAfter(List.of(100.0, 101.0), 100, 0.05)).isEqualTo(OptionalInt.of(0));
		assertThat(EndToEndBenchmark.flatAfter(List.of(100.0, 120.0), 100, 0.05)).isEmpty();

		EndToEndBenchmark.Plan plan = new EndToEndBenchmark.Plan(300, 60, 1, 100);
		List<String> table = EndToEndBenchmark.warmUpTable(Map.of("vips", List.of(150.0, 103.0, 101.0)), plan,
				Map.of("vips", List.of(result(5, 100))));
		assertThat(table.getLast()).isEqualTo("| vips | 150 103 101 | 100.0 | 100 |");
	}

	@Test
	void percentilesAreNearestRank() {
		List<Duration> latencies = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
				Duration.ofSeconds(4));

		assertThat(EndToEndBenchmark.percentile(latencies, 50)).isEqualTo(Duration.ofSeconds(2));
		assertThat(EndToEndBenchmark.percentile(latencies, 99)).isEqualTo(Duration.ofSeconds(4));
	}

	/**
	 * 60 images in {@code seconds}, with {@code cpuMsPerImage} and a tenth of it for the
	 * local AWS.
	 */
	private static EndToEndBenchmark.Result result(int seconds, int cpuMsPerImage) {
		return result(seconds, cpuMsPerImage, 100_000);
	}

	/** The same with {@code bytesPerImage} of outputs. */
	private static EndToEndBenchmark.Result result(int seconds, int cpuMsPerImage, int bytesPerImage) {
		return new EndToEndBenchmark.Result(60, Duration.ofSeconds(seconds), Duration.ofSeconds(2),
				Duration.ofSeconds(3), Duration.ofMillis(60L * cpuMsPerImage), Duration.ofMillis(6L * cpuMsPerImage),
				60L * bytesPerImage);
	}

}
