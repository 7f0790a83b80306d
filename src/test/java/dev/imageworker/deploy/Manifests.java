package dev.imageworker.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import static org.assertj.core.api.Assertions.assertThat;

/** Rendered Kubernetes manifests, looked up by kind, with path access into them. */
record Manifests(List<Map<String, Object>> documents) {

	@SuppressWarnings("unchecked")
	static Manifests parse(String yaml) {
		List<Map<String, Object>> documents = new ArrayList<>();
		for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
			if (document != null) {
				documents.add((Map<String, Object>) document);
			}
		}
		return new Manifests(documents);
	}

	Map<String, Object> one(String kind) {
		List<Map<String, Object>> found = all(kind);
		assertThat(found).as("manifests of kind %s", kind).hasSize(1);
		return found.get(0);
	}

	List<Map<String, Object>> all(String kind) {
		return this.documents.stream().filter((document) -> Objects.equals(document.get("kind"), kind)).toList();
	}

	/** The value at a dotted path; numeric segments index lists. */
	@SuppressWarnings("unchecked")
	static Object at(Object root, String path) {
		Object current = root;
		for (String segment : path.split("\\.")) {
			if (current instanceof List<?> list && segment.matches("\\d+")) {
				current = list.get(Integer.parseInt(segment));
			}
			else if (current instanceof Map<?, ?> map) {
				current = ((Map<String, Object>) map).get(segment);
			}
			else {
				throw new AssertionError("No " + segment + " in " + current + " (path " + path + ")");
			}
		}
		return current;
	}

}
