package dev.imageworker.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** deploy/grafana/dashboards/image-worker.json: its panels and the queries they run. */
record GrafanaDashboard(JsonNode json) {

	static final Path FILE = Path.of("deploy/grafana/dashboards/image-worker.json");

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

	static GrafanaDashboard load() {
		return new GrafanaDashboard(JsonMapper.builder().build().readTree(FILE.toFile()));
	}

	List<JsonNode> panels() {
		List<JsonNode> panels = new ArrayList<>();
		this.json.path("panels").forEach(panels::add);
		return panels;
	}

	List<Query> queries() {
		List<Query> queries = new ArrayList<>();
		for (JsonNode panel : panels()) {
			panel.path("targets")
				.forEach((target) -> queries
					.add(new Query(panel.path("title").asString(), target.path("expr").asString())));
		}
		return queries;
	}

	List<JsonNode> variables() {
		List<JsonNode> variables = new ArrayList<>();
		this.json.path("templating").path("list").forEach(variables::add);
		return variables;
	}

	/**
	 * The {@code label_values(selector, label)} queries of the query variables, as their
	 * selector and the label whose values they list.
	 */
	List<LabelValues> labelValues() {
		List<LabelValues> queries = new ArrayList<>();
		for (JsonNode variable : variables()) {
			Matcher matcher = LABEL_VALUES.matcher(variable.path("query").path("query").asString(""));
			if (matcher.matches()) {
				queries.add(new LabelValues(variable.path("name").asString(), matcher.group(1), matcher.group(2)));
			}
		}
		return queries;
	}

	/**
	 * A panel's query.
	 *
	 * @param panel the panel's title
	 * @param expression its PromQL
	 */
	record Query(String panel, String expression) {

		List<PromQl.Selector> selectors() {
			return PromQl.selectors(this.expression);
		}

	}

	/**
	 * A variable listing a label's values.
	 *
	 * @param variable the variable's name
	 * @param selector the series it reads
	 * @param label the label listed
	 */
	record LabelValues(String variable, String selector, String label) {

	}

}
