package dev.imageworker.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds the series selectors of a PromQL expression, enough to check a dashboard's
 * queries against the metrics a worker exports: metric names with their label matchers.
 * Function names, aggregation clauses ({@code by (le)}), ranges ({@code [5m]}), numbers,
 * strings and Grafana variables outside matchers are skipped.
 */
final class PromQl {

	private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
			"group_right");

	private static final Set<String> OPERATOR_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "atan2");

	/**
	 * Aggregations may put their clause before the parenthesis:
	 * {@code sum by (le) (...)}.
	 */
	private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "group", "stddev", "stdvar",
			"count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio");

	private final String expression;

	private int at;

	private PromQl(String expression) {
		this.expression = expression;
	}

	static List<Selector> selectors(String expression) {
		return new PromQl(expression).scan();
	}

	private List<Selector> scan() {
		List<Selector> selectors = new ArrayList<>();
		while (this.at < this.expression.length()) {
			char c = this.expression.charAt(this.at);
			if (c == '"' || c == '\'') {
				string();
			}
			else if (c == '[') {
				this.at = this.expression.indexOf(']', this.at) + 1;
			}
			else if (c == '$' || Character.isDigit(c) || c == '.') {
				// A Grafana variable or a number, e.g. $instance, 0.99 or 1e3.
				this.at++;
				while (this.at < this.expression.length() && isNamePart(this.expression.charAt(this.at))) {
					this.at++;
				}
			}
			else if (isNameStart(c)) {
				String name = name();
				skipSpaces();
				if (LABEL_LIST_KEYWORDS.contains(name)) {
					this.at = this.expression.indexOf(')', this.at) + 1;
				}
				else if (!OPERATOR_KEYWORDS.contains(name) && !AGGREGATIONS.contains(name) && !next('(')) {
					selectors.add(new Selector(name, next('{') ? matchers() : List.of()));
				}
			}
			else {
				this.at++;
			}
		}
		return selectors;
	}

	/** {@code {label="value", label=~"regex"}}, positioned at the brace. */
	private List<Matcher> matchers() {
		List<Matcher> matchers = new ArrayList<>();
		this.at++;
		skipSpaces();
		while (!next('}')) {
			String label = name();
			skipSpaces();
			int operator = this.at;
			while ("=!~".indexOf(this.expression.charAt(this.at)) >= 0) {
				this.at++;
			}
			String op = this.expression.substring(operator, this.at);
			skipSpaces();
			matchers.add(new Matcher(label, op, string()));
			skipSpaces();
			if (next(',')) {
				this.at++;
				skipSpaces();
			}
		}
		this.at++;
		return matchers;
	}

	/** A quoted string at the cursor, unescaped. */
	private String string() {
		char quote = this.expression.charAt(this.at++);
		StringBuilder value = new StringBuilder();
		while (this.expression.charAt(this.at) != quote) {
			if (this.expression.charAt(this.at) == '\\') {
				this.at++;
			}
			value.append(this.expression.charAt(this.at++));
		}
		this.at++;
		return value.toString();
	}

	private String name() {
		int start = this.at;
		while (this.at < this.expression.length() && isNamePart(this.expression.charAt(this.at))) {
			this.at++;
		}
		return this.expression.substring(start, this.at);
	}

	private boolean next(char c) {
		return this.at < this.expression.length() && this.expression.charAt(this.at) == c;
	}

	private void skipSpaces() {
		while (this.at < this.expression.length() && Character.isWhitespace(this.expression.charAt(this.at))) {
			this.at++;
		}
	}

	private static boolean isNameStart(char c) {
		return Character.isLetter(c) || c == '_' || c == ':';
	}

	private static boolean isNamePart(char c) {
		return isNameStart(c) || Character.isDigit(c);
	}

	/**
	 * One series selector.
	 *
	 * @param metric the metric name
	 * @param matchers its label matchers
	 */
	record Selector(String metric, List<Matcher> matchers) {

	}

	/**
	 * One label matcher.
	 *
	 * @param label the label name
	 * @param operator {@code =}, {@code !=}, {@code =~} or {@code !~}
	 * @param value the value or regular expression
	 */
	record Matcher(String label, String operator, String value) {

		/** Whether it names one value, which some series must then carry. */
		boolean isLiteral() {
			return this.operator.equals("=") && !this.value.contains("$");
		}

	}

}
