package dev.imageworker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.imageworker.deploy.PromQl.Selector;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.imageworker.deploy.Manifests.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard is well formed, reads the provisioned datasource and shows what
 * an operator asks of the worker. That its metrics exist is {@code DashboardMetricsIT}'s
 * part, against a running worker.
 */
class GrafanaDashboardTests {

	private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)");

	/** Grafana's own variables. */
	private static final Set<String> BUILT_IN_VARIABLES = Set.of("__rate_interval", "__interval", "__range");

	private final GrafanaDashboard dashboard = GrafanaDashboard.load();

	@Test
	void isADashboardWithAStableUid() {
		assertThat(this.dashboard.json().path("uid").asString()).isEqualTo("image-worker");
		assertThat(this.dashboard.json().path("title").asString()).isNotBlank();
		assertThat(this.dashboard.json().path("schemaVersion").asInt()).isPositive();
		assertThat(this.dashboard.panels()).isNotEmpty();
	}

	@Test
	void everyPanelAndVariableReadsTheProvisionedDatasource() throws IOException {
		Object uid = at(yaml(Path.of("deploy/grafana/provisioning/datasources/prometheus.yml")), "datasources.0.uid");
		List<JsonNode> readers = new ArrayList<>(this.dashboard.panels());
		this.dashboard.panels().forEach((panel) -> panel.path("targets").forEach(readers::add));
		this.dashboard.variables()
			.stream()
			.filter((variable) -> variable.path("type").asString().equals("query"))
			.forEach(readers::add);

		assertThat(readers).allSatisfy((reader) -> {
			assertThat(reader.path("datasource").path("type").asString()).isEqualTo("prometheus");
			assertThat(reader.path("datasource").path("uid").asString()).isEqualTo(uid);
		});
	}

	@Test
	void showsWhatAnOperatorAsksOfTheWorker() {
		Map<String, Set<String>> metricsByPanel = this.dashboard.queries()
			.stream()
			.collect(Collectors.groupingBy(GrafanaDashboard.Query::panel, Collectors
				.flatMapping((query) -> query.selectors().stream().map(Selector::metric), Collectors.toSet())));

		assertThat(metricsByPanel).containsEntry("Throughput", Set.of("imageworker_images_total"))
			.containsEntry("Failures by code", Set.of("imageworker_images_total"))
			.containsEntry("Render time", Set.of("imageworker_render_seconds_bucket"))
			.containsEntry("Job time", Set.of("imageworker_job_seconds_bucket"))
			.containsEntry("In flight vs capacity", Set.of("imageworker_inflight", "imageworker_capacity"))
			.containsEntry("Backlog", Set.of("imageworker_queue_messages", "imageworker_dlq_messages"))
			.containsEntry("Heap",
					Set.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_max_bytes"))
			.containsEntry("Resident and native memory",
					Set.of("process_memory_rss_bytes", "jvm_memory_used_bytes", "jvm_buffer_memory_used_bytes"));
		assertThat(queries("Render time")).allMatch((query) -> query.startsWith("histogram_quantile("))
			.anyMatch((query) -> query.contains("(0.99,"));
	}

	@Test
	void everyQueryReadsTheWorkersSeriesOnly() {
		assertThat(this.dashboard.queries()).allSatisfy((query) -> {
			assertThat(query.selectors()).as(query.expression()).isNotEmpty();
			assertThat(query.selectors()).as("%s: %s", query.panel(), query.expression())
				.allMatch((selector) -> selector.matchers()
					.contains(new PromQl.Matcher("application", "=", "image-worker")));
		});
	}

	@Test
	void everyVariableAQueryUsesIsDefined() {
		Set<String> defined = new HashSet<>(BUILT_IN_VARIABLES);
		this.dashboard.variables().forEach((variable) -> defined.add(variable.path("name").asString()));

		assertThat(this.dashboard.queries()).allSatisfy((query) -> {
			Matcher variables = VARIABLE.matcher(query.expression());
			while (variables.find()) {
				assertThat(defined).as(query.expression()).contains(variables.group(1));
			}
		});
	}

	@Test
	void panelsHaveUniqueIdsAndTileTheGridWithoutOverlapping() {
		List<JsonNode> panels = this.dashboard.panels();
		assertThat(panels.stream().map((panel) -> panel.path("id").asInt())).doesNotHaveDuplicates();
		for (JsonNode panel : panels) {
			JsonNode grid = panel.path("gridPos");
			assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as(panel.path("title").asString())
				.isLessThanOrEqualTo(24);
			assertThat(grid.path("w").asInt()).isPositive();
			assertThat(grid.path("h").asInt()).isPositive();
			for (JsonNode other : panels) {
				if (other != panel) {
					assertThat(overlap(grid, other.path("gridPos")))
						.as("%s and %s", panel.path("title").asString(), other.path("title").asString())
						.isFalse();
				}
			}
		}
	}

	@Test
	void selectorsAreFoundInsideFunctionsAndAggregations() {
		assertThat(PromQl.selectors("histogram_quantile(0.99, sum by (le) (rate(a_bucket{x=\"1\", y=~\"$v\"}[5m])))"))
			.containsExactly(new Selector("a_bucket",
					List.of(new PromQl.Matcher("x", "=", "1"), new PromQl.Matcher("y", "=~", "$v"))));
		assertThat(PromQl.selectors("sum(rate(b_total[$__rate_interval])) by (code) / on (code) c + vector($n) * 2"))
			.extracting(Selector::metric)
			.containsExactly("b_total", "c");
		assertThat(PromQl.selectors("d{l=\"a \\\"quoted\\\" } value\"} > bool 0"))
			.containsExactly(new Selector("d", List.of(new PromQl.Matcher("l", "=", "a \"quoted\" } value"))));
	}

	private List<String> queries(String panel) {
		return this.dashboard.queries()
			.stream()
			.filter((query) -> query.panel().equals(panel))
			.map(GrafanaDashboard.Query::expression)
			.toList();
	}

	private static boolean overlap(JsonNode a, JsonNode b) {
		return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
				&& b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
				&& a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
				&& b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
	}

	private static Map<String, Object> yaml(Path file) throws IOException {
		return Manifests.parse(Files.readString(file)).documents().getFirst();
	}

}
