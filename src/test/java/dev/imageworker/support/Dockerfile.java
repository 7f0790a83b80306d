package dev.imageworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The project's Dockerfile as instructions, for the tests that check it and for the local
 * build of the image's application directory, which runs its steps rather than copies of
 * them.
 */
public final class Dockerfile {

	private static final Pattern ENV_SETTING = Pattern.compile("(\\w+)=(\\S+)");

	private final List<String> lines;

	private Dockerfile(List<String> lines) {
		this.lines = lines;
	}

	public static Dockerfile read(Path path) {
		try {
			return parse(Files.readString(path));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Instructions with continuation lines joined and comments dropped. */
	static Dockerfile parse(String dockerfile) {
		return new Dockerfile(List.of(dockerfile.replaceAll("\\\\\\n\\s*", " ").split("\\n"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList());
	}

	/** Every instruction, one a line, as {@code KEYWORD arguments}. */
	public List<String> lines() {
		return this.lines;
	}

	/** The instructions of the last stage, the image that runs, after its FROM. */
	public List<String> finalStage() {
		return stage(this.lines.size() - 1);
	}

	/** The instructions of the stage named {@code AS name}, after its FROM. */
	public List<String> stage(String name) {
		for (int line = 0; line < this.lines.size(); line++) {
			if (this.lines.get(line).matches("FROM \\S+ (?i:as) " + Pattern.quote(name))) {
				return stage(line);
			}
		}
		throw new IllegalStateException("no stage " + name + " in the Dockerfile");
	}

	private List<String> stage(int lineInStage) {
		int from = lineInStage;
		while (from >= 0 && !this.lines.get(from).startsWith("FROM ")) {
			from--;
		}
		int end = lineInStage + 1;
		while (end < this.lines.size() && !this.lines.get(end).startsWith("FROM ")) {
			end++;
		}
		return this.lines.subList(from + 1, end);
	}

	/** The arguments of the last instruction with this keyword in the given stage. */
	public static String last(List<String> stage, String keyword) {
		return stage.stream()
			.filter((line) -> line.startsWith(keyword + " "))
			.reduce((first, second) -> second)
			.map((line) -> line.substring(keyword.length() + 1))
			.orElseThrow(() -> new IllegalStateException("no " + keyword + " in the stage"));
	}

	/** The shell commands of the stage's RUN instructions. */
	public static List<String> runs(List<String> stage) {
		return stage.stream().filter((line) -> line.startsWith("RUN ")).map((line) -> line.substring(4)).toList();
	}

	/** The variables the stage's ENV instructions set, in the {@code name=value} form. */
	public static Map<String, String> environment(List<String> stage) {
		Map<String, String> environment = new LinkedHashMap<>();
		for (String line : stage) {
			if (line.startsWith("ENV ")) {
				Matcher setting = ENV_SETTING.matcher(line.substring(4));
				while (setting.find()) {
					environment.put(setting.group(1), setting.group(2));
				}
			}
		}
		return environment;
	}

	/** The image's ENTRYPOINT, which must be in exec form, as its arguments. */
	public List<String> entrypoint() {
		String entrypoint = last(finalStage(), "ENTRYPOINT");
		if (!entrypoint.startsWith("[")) {
			throw new IllegalStateException("ENTRYPOINT not in exec form: " + entrypoint);
		}
		return List.copyOf(JsonMapper.shared().readValue(entrypoint, new TypeReference<ArrayList<String>>() {
		}));
	}

}
