package dev.imageworker.support;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The actions an IAM policy file of {@code deploy/ecs} allows, to compare with the
 * actions a {@link FaultProxy} saw the worker call.
 */
public final class IamActions {

	private IamActions() {
	}

	public static Set<String> granted(Path policy) {
		Set<String> granted = new TreeSet<>();
		for (JsonNode statement : JsonMapper.builder().build().readTree(policy.toFile()).get("Statement")) {
			if (statement.get("Effect").asString().equals("Allow")) {
				JsonNode actions = statement.get("Action");
				(actions.isArray() ? actions.values() : List.of(actions))
					.forEach((action) -> granted.add(action.asString()));
			}
		}
		return granted;
	}

}
