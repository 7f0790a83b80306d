package dev.imageworker.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchmarkChartTests {

	/**
	 * The median runs of benchmarks.md's end-to-end table, and a label that needs
	 * escaping.
	 */
	private static final List<BenchmarkChart.Bar> BARS = List.of(new BenchmarkChart.Bar("vips", false, 12.05, 80),
			new BenchmarkChart.Bar("java", false, 2.58, 380), new BenchmarkChart.Bar("peer", true, 14.29, 75),
			new BenchmarkChart.Bar("vips,-XX:Flag=<1>&2#2", false, 7.145, 40));

	@TempDir
	Path directory;

	@Test
	void drawsABarPerRunForThroughputAndForCpuScaledToTheLargest() throws Exception {
		Document svg = parse(BenchmarkChart.svg("End-to-end", BARS));

		List<Double> widths = new ArrayList<>();
		NodeList rects = svg.getElementsByTagName("rect");
		for (int i = 0; i < rects.getLength(); i++) {
			Element rect = (Element) rects.item(i);
			if (rect.getAttribute("class").equals("bar")) {
				widths.add(Double.parseDouble(rect.getAttribute("width")));
			}
		}

		assertThat(widths).hasSize(2 * BARS.size());
		// Throughput: the peer's 14.29 is the full 500, half of it half.
		assertThat(widths.get(2)).isEqualTo(500.0);
		assertThat(widths.get(3)).isCloseTo(250.0, within(0.1));
		// CPU: java's 380 ms is the full width.
		assertThat(widths.get(5)).isEqualTo(500.0);
		assertThat(widths.get(4)).isCloseTo(80 / 380.0 * 500, within(0.1));
	}

	@Test
	void labelsEveryRunWithItsFiguresAndMarksThePeer() throws Exception {
		String chart = BenchmarkChart.svg("End-to-end <2026>", BARS);
		String text = parse(chart).getDocumentElement().getTextContent();

		assertThat(text).contains("End-to-end <2026>", "vips", "java", "peer", "vips,-XX:Flag=<1>&2#2", "12.05", "2.58",
				"14.29", "7.15", "380", "75", "images/s", "CPU");
		assertThat(chart).contains("fill=\"#9e9e9e\"", "fill=\"#3366cc\"");
	}

	@Test
	void writesTheChartAndTheBenchmarkGivesOneBarPerMeasuredBatch() throws IOException {
		Map<String, List<EndToEndBenchmark.Result>> results = new LinkedHashMap<>();
		results.put("vips", List.of(result(Duration.ofSeconds(5), Duration.ofMillis(60 * 80)),
				result(Duration.ofSeconds(6), Duration.ofMillis(60 * 78))));
		results.put("peer", List.of(result(Duration.ofSeconds(4), Duration.ofMillis(60 * 75))));

		List<BenchmarkChart.Bar> bars = EndToEndBenchmark.chartBars(results);
		Path chart = BenchmarkChart.write(this.directory.resolve("end-to-end/chart.svg"), "End-to-end", bars);

		assertThat(bars).containsExactly(new BenchmarkChart.Bar("vips r1", false, 12.0, 80),
				new BenchmarkChart.Bar("vips r2", false, 10.0, 78), new BenchmarkChart.Bar("peer r1", true, 15.0, 75));
		assertThat(chart).isRegularFile();
		assertThat(Files.readString(chart)).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
	}

	@Test
	void noFiguresDrawNoBars() throws Exception {
		Document svg = parse(BenchmarkChart.svg("empty", List.of(new BenchmarkChart.Bar("vips", false, 0, 0))));

		assertThat(((Element) svg.getElementsByTagName("rect").item(1)).getAttribute("width")).isEqualTo("0.0");
	}

	/** 60 images measured. */
	private static EndToEndBenchmark.Result result(Duration elapsed, Duration cpu) {
		return new EndToEndBenchmark.Result(60, elapsed, Duration.ofSeconds(2), Duration.ofSeconds(3), cpu,
				Duration.ZERO, 0);
	}

	private static Document parse(String svg) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
	}

}
