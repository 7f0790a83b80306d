package dev.imageworker.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ECS JSON files with their placeholders filled in, as
 * {@code deploy/ecs/task-definition.sh} fills the task definition from a stack, then read
 * into SDK requests so the service model checks every field name; also the template's
 * resource properties, read the same way.
 */
final class EcsFiles {

	static final Path TASK_DEFINITION = Path.of("ecs-task-def.json");

	static final Path DIRECTORY = Path.of("deploy/ecs");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

	/**
	 * The SDK builders have setters named after the API's members; their case differs
	 * from the wire names at times ({@code OKActions}, {@code setOkActions}), so binding
	 * ignores case and {@link #checkMembers} holds the file to the exact names.
	 */
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private final Map<String, String> values;

	EcsFiles(Map<String, String> values) {
		this.values = new LinkedHashMap<>(values);
	}

	EcsFiles with(String name, String value) {
		EcsFiles files = new EcsFiles(this.values);
		files.values.put(name, value);
		return files;
	}

	String render(Path file) {
		Matcher placeholders = PLACEHOLDER.matcher(read(file));
		StringBuilder rendered = new StringBuilder();
		while (placeholders.find()) {
			String value = this.values.get(placeholders.group(1));
			if (value == null) {
				throw new IllegalStateException("No value for " + placeholders.group() + " in " + file);
			}
			placeholders.appendReplacement(rendered, Matcher.quoteReplacement(value));
		}
		return placeholders.appendTail(rendered).toString();
	}

	/**
	 * Reads a rendered file into the request the builder class builds; every member name
	 * must be the service model's, in its exact case, as the CLI requires.
	 */
	@SuppressWarnings("unchecked")
	<T extends SdkPojo> T request(Path file, Class<?> builderClass) {
		T request = (T) ((SdkBuilder<?, ?>) JSON.readValue(render(file), builderClass)).build();
		checkMembers(json(file), request.sdkFields(), file.toString());
		return request;
	}

	/**
	 * Reads JSON-shaped values (a template's resource properties, resolved) into the
	 * request the builder class builds, member names checked as for a file.
	 */
	@SuppressWarnings("unchecked")
	static <T extends SdkPojo> T request(Map<String, Object> values, Class<?> builderClass, String where) {
		String text = JSON.writeValueAsString(values);
		T request = (T) ((SdkBuilder<?, ?>) JSON.readValue(text, builderClass)).build();
		checkMembers(JSON.readValue(text, Map.class), request.sdkFields(), where);
		return request;
	}

	@SuppressWarnings("unchecked")
	private static void checkMembers(Map<String, Object> json, List<SdkField<?>> fields, String path) {
		for (Map.Entry<String, Object> member : json.entrySet()) {
			SdkField<?> field = fields.stream()
				.filter((candidate) -> candidate.locationName().equals(member.getKey()))
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException("No member " + member.getKey() + " at " + path
						+ " (model has " + fields.stream().map(SdkField::locationName).toList() + ")"));
			String where = path + "." + member.getKey();
			if (field.marshallingType() == MarshallingType.SDK_POJO) {
				checkMembers((Map<String, Object>) member.getValue(), field.constructor().get().sdkFields(), where);
			}
			else if (field.marshallingType() == MarshallingType.LIST) {
				SdkField<?> item = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
				if (item.marshallingType() == MarshallingType.SDK_POJO) {
					for (Object element : (List<Object>) member.getValue()) {
						checkMembers((Map<String, Object>) element, item.constructor().get().sdkFields(), where);
					}
				}
			}
		}
	}

	@SuppressWarnings("unchecked")
	Map<String, Object> json(Path file) {
		return JSON.readValue(render(file), Map.class);
	}

	static Set<String> placeholders(Path file) {
		Set<String> names = new TreeSet<>();
		PLACEHOLDER.matcher(read(file)).results().forEach((match) -> names.add(match.group(1)));
		return names;
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
