package dev.imageworker.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The series of a Prometheus text exposition (what {@code /actuator/prometheus} answers):
 * each sample's metric name with its labels.
 *
 * @param series every sample's labels, by metric name
 */
record PrometheusScrape(Map<String, List<Map<String, String>>> series) {

	static PrometheusScrape parse(String exposition) {
		Map<String, List<Map<String, String>>> series = new LinkedHashMap<>();
		exposition.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.forEach((line) -> sample(line, series));
		return new PrometheusScrape(series);
	}

	Set<String> names() {
		return new TreeSet<>(this.series.keySet());
	}

	Set<String> labelNames(String metric) {
		Set<String> names = new TreeSet<>();
		this.series.getOrDefault(metric, List.of()).forEach((labels) -> names.addAll(labels.keySet()));
		return names;
	}

	boolean hasSeries(String metric, String label, String value) {
		return this.series.getOrDefault(metric, List.of())
			.stream()
			.anyMatch((labels) -> value.equals(labels.get(label)));
	}

	private static void sample(String line, Map<String, List<Map<String, String>>> series) {
		int end = 0;
		while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
			end++;
		}
		Map<String, String> labels = new LinkedHashMap<>();
		if (end < line.length() && line.charAt(end) == '{') {
			labels(line, end + 1, labels);
		}
		series.computeIfAbsent(line.substring(0, end), (name) -> new ArrayList<>()).add(labels);
	}

	/** {@code name="value",...}: values may hold escaped quotes, commas and braces. */
	private static void labels(String line, int start, Map<String, String> labels) {
		int at = start;
		while (line.charAt(at) != '}') {
			int equals = line.indexOf('=', at);
			String name = line.substring(at, equals).trim();
			StringBuilder value = new StringBuilder();
			at = equals + 2;
			while (line.charAt(at) != '"') {
				if (line.charAt(at) == '\\') {
					at++;
				}
				value.append(line.charAt(at++));
			}
			labels.put(name, value.toString());
			at++;
			if (line.charAt(at) == ',') {
				at++;
			}
		}
	}

}
