package dev.imageworker.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Builds an UpdateItem request with every attribute name and value behind a placeholder,
 * so reserved words such as {@code status} and {@code error} need no special care.
 */
final class ItemUpdate {

	private final Map<String, String> names = new HashMap<>();

	private final Map<String, AttributeValue> values = new HashMap<>();

	private final List<String> sets = new ArrayList<>();

	private final List<String> adds = new ArrayList<>();

	private final List<String> removes = new ArrayList<>();

	ItemUpdate set(String attribute, AttributeValue value) {
		this.sets.add(name(attribute) + " = " + value(value));
		return this;
	}

	ItemUpdate setIfAbsent(String attribute, AttributeValue value) {
		String name = name(attribute);
		this.sets.add(name + " = if_not_exists(" + name + ", " + value(value) + ")");
		return this;
	}

	ItemUpdate add(String attribute, long amount) {
		this.adds.add(name(attribute) + " " + value(AttributeValue.fromN(Long.toString(amount))));
		return this;
	}

	ItemUpdate remove(String attribute) {
		this.removes.add(name(attribute));
		return this;
	}

	/** A placeholder for an attribute name, for use in a condition. */
	String name(String attribute) {
		String placeholder = "#" + attribute;
		this.names.put(placeholder, attribute);
		return placeholder;
	}

	/** A placeholder for a value, for use in a condition. */
	String value(AttributeValue value) {
		String placeholder = ":v" + this.values.size();
		this.values.put(placeholder, value);
		return placeholder;
	}

	UpdateItemRequest toRequest(String table, Map<String, AttributeValue> key, String condition) {
		StringBuilder expression = new StringBuilder();
		append(expression, "SET", this.sets);
		append(expression, "ADD", this.adds);
		append(expression, "REMOVE", this.removes);
		return UpdateItemRequest.builder()
			.tableName(table)
			.key(key)
			.updateExpression(expression.toString().trim())
			.conditionExpression(condition)
			.expressionAttributeNames(this.names)
			.expressionAttributeValues(this.values)
			.build();
	}

	private static void append(StringBuilder expression, String clause, List<String> parts) {
		if (!parts.isEmpty()) {
			expression.append(clause).append(' ').append(String.join(", ", parts)).append(' ');
		}
	}

}
