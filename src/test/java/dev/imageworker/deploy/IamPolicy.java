package dev.imageworker.deploy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Just enough of IAM policy evaluation to ask whether an identity policy allows an action
 * on a resource: Allow statements, Action and Resource with {@code *} and {@code ?}
 * wildcards. No Deny or NotAction statements are written, and the checks assert that.
 */
record IamPolicy(List<Statement> statements) {

	@SuppressWarnings("unchecked")
	static IamPolicy of(Map<String, Object> document) {
		Object statements = document.get("Statement");
		List<Map<String, Object>> list = (statements instanceof List<?>) ? (List<Map<String, Object>>) statements
				: List.of((Map<String, Object>) statements);
		return new IamPolicy(list.stream().map(Statement::of).toList());
	}

	boolean allows(String action, String resource) {
		return this.statements.stream().anyMatch((statement) -> statement.allows(action, resource));
	}

	/** One statement, with single values turned into lists. */
	record Statement(Map<String, Object> raw, String effect, List<String> actions, List<String> resources,
			Map<String, Object> condition) {

		@SuppressWarnings("unchecked")
		static Statement of(Map<String, Object> raw) {
			return new Statement(raw, (String) raw.get("Effect"), list(raw.get("Action")), list(raw.get("Resource")),
					(Map<String, Object>) raw.getOrDefault("Condition", Map.of()));
		}

		boolean allows(String action, String resource) {
			return "Allow".equals(this.effect) && this.actions.stream()
				.anyMatch((pattern) -> matches(pattern.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT)))
					&& this.resources.stream().anyMatch((pattern) -> matches(pattern, resource));
		}

		@SuppressWarnings("unchecked")
		private static List<String> list(Object value) {
			return (value instanceof List<?>) ? (List<String>) value
					: (value != null) ? List.of((String) value) : List.of();
		}

		private static boolean matches(String pattern, String value) {
			String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
			return value.matches(regex);
		}

	}

}
