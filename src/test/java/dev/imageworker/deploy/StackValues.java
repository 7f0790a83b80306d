package dev.imageworker.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A created stack's values, and the template's intrinsic functions resolved with them:
 * what CloudFormation would have sent for the resources moto's CloudFormation skips, so a
 * test can send it to the service APIs moto does implement.
 */
final class StackValues {

	/** {@code AWS::NoValue}: the property or list element is left out. */
	private static final Object NO_VALUE = new Object();

	private static final Pattern VARIABLE = Pattern.compile("\\$\\{(!?)([^}]+)}");

	private final CloudFormationTemplate template;

	private final Map<String, Object> names = new HashMap<>();

	private final Map<String, Boolean> conditions = new HashMap<>();

	/**
	 * @param parameters the stack's parameter values, defaults included
	 * @param physicalIds each created resource's physical id (what {@code Ref} returns)
	 */
	StackValues(CloudFormationTemplate template, String stackId, Map<String, String> parameters,
			Map<String, String> physicalIds) {
		this.template = template;
		String[] arn = stackId.split(":");
		this.names.put("AWS::Region", arn[3]);
		this.names.put("AWS::AccountId", arn[4]);
		this.names.put("AWS::Partition", arn[1]);
		this.names.put("AWS::StackId", stackId);
		this.names.put("AWS::StackName", stackId.split("/")[1]);
		this.names.put("AWS::URLSuffix", "amazonaws.com");
		this.names.put("AWS::NoValue", NO_VALUE);
		template.parameters().forEach((name, declaration) -> {
			String value = parameters.getOrDefault(name, String.valueOf(declaration.getOrDefault("Default", "")));
			String type = (String) declaration.get("Type");
			this.names.put(name,
					type.startsWith("List<") || type.equals("CommaDelimitedList") ? List.of(value.split(",")) : value);
		});
		this.names.putAll(physicalIds);
		@SuppressWarnings("unchecked")
		Map<String, Object> declared = (Map<String, Object>) template.root().get("Conditions");
		declared.keySet().forEach(this::condition);
	}

	/**
	 * Sets what {@code Ref} or {@code Fn::GetAtt} ({@code Logical.Attribute}) returns.
	 */
	StackValues with(String name, Object value) {
		this.names.put(name, value);
		return this;
	}

	boolean condition(String name) {
		Boolean known = this.conditions.get(name);
		if (known == null) {
			@SuppressWarnings("unchecked")
			Map<String, Object> declared = (Map<String, Object>) this.template.root().get("Conditions");
			known = evaluate(declared.get(name));
			this.conditions.put(name, known);
		}
		return known;
	}

	/**
	 * The descriptions of the template's rules whose assertions these parameters break:
	 * what CloudFormation refuses before it creates anything.
	 */
	List<String> brokenRules() {
		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> rules = (Map<String, Map<String, Object>>) this.template.root()
			.getOrDefault("Rules", Map.of());
		List<String> broken = new ArrayList<>();
		rules.values().forEach((rule) -> {
			Object applies = rule.get("RuleCondition");
			if (applies == null || evaluate(applies)) {
				for (Object assertion : (List<?>) rule.get("Assertions")) {
					if (!evaluate(((Map<?, ?>) assertion).get("Assert"))) {
						broken.add((String) ((Map<?, ?>) assertion).get("AssertDescription"));
					}
				}
			}
		});
		return broken;
	}

	/** Whether the resource is part of this stack, by its Condition. */
	boolean exists(String logicalId) {
		Object condition = this.template.resource(logicalId).get("Condition");
		return condition == null || condition((String) condition);
	}

	/** A resource's properties as CloudFormation would resolve them. */
	@SuppressWarnings("unchecked")
	Map<String, Object> properties(String logicalId) {
		return (Map<String, Object>) resolve(this.template.properties(logicalId));
	}

	Object resolve(Object node) {
		if (node instanceof Map<?, ?> map) {
			if (map.size() == 1) {
				String function = (String) map.keySet().iterator().next();
				Object argument = map.get(function);
				switch (function) {
					case "Ref" -> {
						return value((String) argument);
					}
					case "Fn::GetAtt" -> {
						return value(String.join(".", strings(argument)));
					}
					case "Fn::Sub" -> {
						return substitute(argument);
					}
					case "Fn::If" -> {
						List<?> branches = (List<?>) argument;
						return resolve(condition((String) branches.get(0)) ? branches.get(1) : branches.get(2));
					}
					case "Fn::Join" -> {
						List<?> join = (List<?>) argument;
						return String.join((String) join.get(0), strings(resolve(join.get(1))));
					}
					case "Fn::Select" -> {
						List<?> select = (List<?>) argument;
						return ((List<?>) resolve(select.get(1))).get(Integer.parseInt(String.valueOf(select.get(0))));
					}
					case "Fn::Split" -> {
						List<?> split = (List<?>) argument;
						return List
							.of(((String) resolve(split.get(1))).split(Pattern.quote((String) split.get(0)), -1));
					}
					default -> {
						if (function.startsWith("Fn::")) {
							throw new IllegalArgumentException("No resolution for " + function);
						}
					}
				}
			}
			Map<String, Object> resolved = new LinkedHashMap<>();
			map.forEach((key, value) -> {
				Object result = resolve(value);
				if (result != NO_VALUE) {
					resolved.put((String) key, result);
				}
			});
			return resolved;
		}
		if (node instanceof List<?> list) {
			List<Object> resolved = new ArrayList<>();
			for (Object element : list) {
				Object result = resolve(element);
				if (result != NO_VALUE) {
					resolved.add(result);
				}
			}
			return resolved;
		}
		return node;
	}

	private Object value(String name) {
		if (!this.names.containsKey(name)) {
			throw new IllegalArgumentException("No value for " + name + " in this stack");
		}
		return this.names.get(name);
	}

	private String substitute(Object argument) {
		String text = (argument instanceof List<?> list) ? (String) list.get(0) : (String) argument;
		Map<String, Object> variables = new HashMap<>();
		if (argument instanceof List<?> list) {
			((Map<?, ?>) list.get(1)).forEach((name, value) -> variables.put((String) name, resolve(value)));
		}
		Matcher matcher = VARIABLE.matcher(text);
		StringBuilder result = new StringBuilder();
		while (matcher.find()) {
			String name = matcher.group(2);
			String replacement = !matcher.group(1).isEmpty() ? "${" + name + "}"
					: String.valueOf(variables.containsKey(name) ? variables.get(name) : value(name));
			matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
		}
		return matcher.appendTail(result).toString();
	}

	private boolean evaluate(Object condition) {
		Map<?, ?> map = (Map<?, ?>) condition;
		String function = (String) map.keySet().iterator().next();
		Object argument = map.get(function);
		return switch (function) {
			case "Condition" -> condition((String) argument);
			case "Fn::Equals" -> String.valueOf(resolve(((List<?>) argument).get(0)))
				.equals(String.valueOf(resolve(((List<?>) argument).get(1))));
			case "Fn::Not" -> !evaluate(((List<?>) argument).get(0));
			case "Fn::And" -> ((List<?>) argument).stream().allMatch(this::evaluate);
			case "Fn::Or" -> ((List<?>) argument).stream().anyMatch(this::evaluate);
			case "Fn::EachMemberEquals" -> ((List<?>) resolve(((List<?>) argument).get(0))).stream()
				.allMatch((member) -> String.valueOf(member).equals(String.valueOf(((List<?>) argument).get(1))));
			default -> throw new IllegalArgumentException("No condition function " + function);
		};
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object value) {
		return (List<String>) value;
	}

}
