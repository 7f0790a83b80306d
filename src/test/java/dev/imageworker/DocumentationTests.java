package dev.imageworker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.imageworker.catalog.ItemAttributes;
import dev.imageworker.pipeline.DeadLetterAttributes;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs as reference that cannot drift silently: README's configuration table names
 * exactly the {@code image-worker.*} properties the worker binds, docs/contracts.md
 * exactly the item's and the dead letters' attribute names the code uses, and no markdown
 * document links a file or heading that is not there.
 */
class DocumentationTests {

	private static final Path README = Path.of("README.md");

	private static final Path CONTRACTS = Path.of("docs/contracts.md");

	/** Directories whose markdown is not the project's: build output, tools, VCS. */
	private static final Set<String> SKIPPED = Set.of("target", "node_modules", ".git", ".mvn");

	private static final Pattern INLINE_LINK = Pattern
		.compile("!?\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");

	private static final Pattern REFERENCE_LINK = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

	@Test
	void readmeConfigurationTableNamesEveryImageWorkerPropertyAndNoOther() {
		Set<String> bound = boundProperties();
		Set<String> documented = configurationTableProperties(read(README));

		assertThat(bound).as("properties bound under image-worker").isNotEmpty();
		assertThat(new TreeSet<>(bound)).as("README's configuration table misses these properties")
			.isSubsetOf(documented);
		assertThat(new TreeSet<>(documented)).as("README's configuration table names properties nothing binds")
			.isSubsetOf(bound);
	}

	@Test
	void contractsNameExactlyTheItemAttributes() {
		Set<String> documented = codeSpans(section(read(CONTRACTS), "## DynamoDB item"), "[a-z][A-Za-z]*");

		assertThat(documented).as("the DynamoDB item in %s", CONTRACTS).isEqualTo(constants(ItemAttributes.class));
	}

	@Test
	void contractsNameExactlyTheDeadLetterAttributes() {
		Set<String> documented = codeSpans(section(read(CONTRACTS), "## Dead letters"), "[a-z]+(-[a-z]+)*");

		assertThat(documented).as("the dead letters in %s", CONTRACTS).isEqualTo(constants(DeadLetterAttributes.class));
	}

	@Test
	void markdownLinksReachFilesAndHeadingsThatExist() {
		List<String> broken = new ArrayList<>();
		List<Path> documents = markdownDocuments();
		assertThat(documents).contains(README);
		for (Path document : documents) {
			for (String target : links(read(document))) {
				String problem = problem(document, target);
				if (problem != null) {
					broken.add(document + ": " + target + " (" + problem + ")");
				}
			}
		}
		assertThat(broken).as("links to nothing").isEmpty();
	}

	/**
	 * Every leaf of every {@code @ConfigurationProperties} record under
	 * {@code image-worker}, kebab-case, with nested records as prefixes.
	 */
	static Set<String> boundProperties() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		Set<String> names = new TreeSet<>();
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.imageworker")) {
			Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), null);
			ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
			String prefix = annotation.value().isEmpty() ? annotation.prefix() : annotation.value();
			if (prefix.equals("image-worker") || prefix.startsWith("image-worker.")) {
				collect(prefix, type, names);
			}
		}
		return names;
	}

	private static void collect(String prefix, Class<?> type, Set<String> names) {
		for (RecordComponent component : type.getRecordComponents()) {
			String name = prefix + "." + kebab(component.getName());
			Class<?> componentType = component.getType();
			if (componentType.isRecord() && componentType.getPackageName().startsWith("dev.imageworker")) {
				collect(name, componentType, names);
			}
			else {
				names.add(name);
			}
		}
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/**
	 * The {@code image-worker.*} names in the first cell of the Configuration section's
	 * rows.
	 */
	static Set<String> configurationTableProperties(String readme) {
		Set<String> names = new TreeSet<>();
		boolean inSection = false;
		Pattern property = Pattern.compile("`(image-worker\\.[a-z0-9.-]+)`");
		for (String line : readme.split("\\R")) {
			if (line.startsWith("## ")) {
				inSection = line.strip().equals("## Configuration");
			}
			else if (inSection && line.startsWith("|")) {
				String firstCell = line.substring(1).split("\\|", 2)[0];
				property.matcher(firstCell).results().forEach((match) -> names.add(match.group(1)));
			}
		}
		return names;
	}

	/** The values of a class's public string constants. */
	static Set<String> constants(Class<?> type) {
		Set<String> values = new TreeSet<>();
		for (Field field : type.getFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
				try {
					values.add((String) field.get(null));
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return values;
	}

	/**
	 * The lines after the heading that starts so, up to the next heading of its level.
	 */
	static String section(String markdown, String heading) {
		StringBuilder section = new StringBuilder();
		boolean in = false;
		for (String line : markdown.split("\\R")) {
			if (line.startsWith("## ")) {
				in = line.startsWith(heading);
			}
			else if (in) {
				section.append(line).append('\n');
			}
		}
		assertThat(section).as("section %s", heading).isNotEmpty();
		return section.toString();
	}

	/** The inline code spans that are wholly of the pattern. */
	static Set<String> codeSpans(String markdown, String pattern) {
		Set<String> spans = new TreeSet<>();
		Pattern.compile("`(" + pattern + ")`")
			.matcher(markdown)
			.results()
			.forEach((match) -> spans.add(match.group(1)));
		return spans;
	}

	/** Link targets outside fenced code blocks and inline code spans. */
	static List<String> links(String markdown) {
		List<String> targets = new ArrayList<>();
		boolean fenced = false;
		for (String line : markdown.split("\\R")) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			if (fenced) {
				continue;
			}
			String text = line.replaceAll("`[^`]*`", "``");
			INLINE_LINK.matcher(text).results().forEach((match) -> targets.add(match.group(1)));
			Matcher reference = REFERENCE_LINK.matcher(text);
			if (reference.matches()) {
				targets.add(reference.group(1));
			}
		}
		return targets;
	}

	/** Why a link leads nowhere, or null when it leads somewhere. */
	private static String problem(Path document, String target) {
		if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
			// http:, https:, mailto: and the like: not this repository's to check.
			return null;
		}
		int hash = target.indexOf('#');
		String file = (hash >= 0) ? target.substring(0, hash) : target;
		String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
		Path resolved = file.isEmpty() ? document : document.resolveSibling(file).normalize();
		if (!Files.exists(resolved)) {
			return "no such file";
		}
		if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
				&& !anchors(read(resolved)).contains(anchor)) {
			return "no such heading in " + resolved;
		}
		return null;
	}

	/** The anchors GitHub gives a document's headings. */
	static Set<String> anchors(String markdown) {
		Set<String> anchors = new TreeSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean fenced = false;
		for (String line : markdown.split("\\R")) {
			if (line.strip().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			Matcher heading = HEADING.matcher(line);
			if (fenced || !heading.matches()) {
				continue;
			}
			String slug = heading.group(1)
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
				.replace(' ', '-');
			int count = seen.merge(slug, 1, Integer::sum);
			anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
		}
		return anchors;
	}

	private static List<Path> markdownDocuments() {
		List<Path> documents = new ArrayList<>();
		try {
			Files.walkFileTree(Path.of("."), new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
					Path name = dir.getFileName();
					return (name != null && SKIPPED.contains(name.toString())) ? FileVisitResult.SKIP_SUBTREE
							: FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					if (file.toString().endsWith(".md")) {
						documents.add(Path.of(".").relativize(file));
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		documents.sort(null);
		return documents;
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
