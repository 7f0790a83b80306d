package dev.imageworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * An SVG chart of the end-to-end benchmark, one bar per run: each contestant's images/s
 * and the CPU its process spent per image. Hand-written SVG: any browser opens it, and
 * two bar charts are not worth a charting library's dependencies.
 */
final class BenchmarkChart {

	private static final int WIDTH = 900;

	private static final int LABEL_WIDTH = 300;

	private static final int BAR_WIDTH = 500;

	private static final int ROW = 24;

	private static final int PANEL_HEAD = 34;

	private BenchmarkChart() {
	}

	/**
	 * One run of a contestant.
	 *
	 * @param label the run's label, e.g. {@code vips#2}
	 * @param peer whether it is the Python yardstick rather than the worker
	 * @param imagesPerSecond measured uploads over the time to the last COMPLETED
	 * @param cpuMsPerImage the contestant's process CPU per measured image
	 */
	record Bar(String label, boolean peer, double imagesPerSecond, double cpuMsPerImage) {

	}

	static Path write(Path file, String title, List<Bar> bars) throws IOException {
		Files.createDirectories(file.toAbsolutePath().getParent());
		return Files.writeString(file, svg(title, bars));
	}

	static String svg(String title, List<Bar> bars) {
		int panelHeight = PANEL_HEAD + bars.size() * ROW + 10;
		int height = 40 + 2 * panelHeight + 30;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
						+ " font-family=\"sans-serif\" font-size=\"13\">%n",
				WIDTH, height, WIDTH, height));
		svg.append(String.format("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"));
		svg.append(text(10, 24, "font-size=\"16\" font-weight=\"bold\"", title));
		panel(svg, 40, "Throughput, images/s (higher is better)", bars, Bar::imagesPerSecond, "%.2f");
		panel(svg, 40 + panelHeight, "CPU of the contestant's process per image, ms (lower is better)", bars,
				Bar::cpuMsPerImage, "%.0f");
		svg.append(text(10, height - 10, "fill=\"#666\"",
				"blue: the worker (engine and settings as labelled); grey: boto3 + Pillow peers"));
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static void panel(StringBuilder svg, int top, String heading, List<Bar> bars, ToDoubleFunction<Bar> value,
			String format) {
		double max = bars.stream().mapToDouble(value).filter(Double::isFinite).max().orElse(0);
		svg.append(text(10, top + 20, "font-weight=\"bold\"", heading));
		int y = top + PANEL_HEAD;
		for (Bar bar : bars) {
			double v = value.applyAsDouble(bar);
			double length = (max > 0 && Double.isFinite(v)) ? v / max * BAR_WIDTH : 0;
			svg.append(text(LABEL_WIDTH - 8, y + 15, "text-anchor=\"end\"", bar.label()));
			svg.append(String.format(Locale.ROOT,
					"<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", LABEL_WIDTH,
					y + 2, length, ROW - 6, bar.peer() ? "#9e9e9e" : "#3366cc"));
			svg.append(text((int) Math.round(LABEL_WIDTH + length + 6), y + 15, "",
					String.format(Locale.ROOT, format, v)));
			y += ROW;
		}
		svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
				LABEL_WIDTH, top + PANEL_HEAD, LABEL_WIDTH, y));
	}

	private static String text(int x, int y, String attributes, String content) {
		return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" %s>%s</text>%n", x, y, attributes, xml(content));
	}

	private static String xml(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
