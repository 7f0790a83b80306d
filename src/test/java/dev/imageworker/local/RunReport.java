package dev.imageworker.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Writes a run as one HTML page a person can open from disk: each source beside its
 * thumbnails, with status, timings and failure reason. The images are files next to the
 * page, referenced relatively, so the directory can be opened, copied or zipped as is;
 * nothing is fetched from elsewhere.
 */
final class RunReport {

	static final String PAGE = "index.html";

	private static final String FIGURE = """
			<figure><a href="%s"><img src="%s" alt="%s"></a><figcaption>%s</figcaption></figure>
			""";

	private static final String ROW = """
			<section class="image %s">
			<header><h2>%s</h2><span class="id">%s</span><span class="status">%s</span>
			<span class="timings">%s</span></header>
			%s
			<div class="images"><div class="source">%s</div><div class="thumbnails">%s</div></div>
			</section>
			""";

	private static final String PAGE_TEMPLATE = """
			<!DOCTYPE html>
			<html lang="en">
			<head>
			<meta charset="utf-8">
			<title>image-worker local run</title>
			<style>
			body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
			h1 { font-size: 1.4em; margin: 0 0 .2em; }
			.summary { font-size: 1.1em; margin: 0 0 .2em; }
			.generated { color: #777; margin: 0 0 1.5em; }
			section.image { background: #fff; border: 1px solid #ddd; border-left: 6px solid #999;
			  border-radius: 4px; padding: .8em 1em; margin-bottom: 1em; }
			section.completed { border-left-color: #2e8b57; }
			section.failed, section.unfinished { border-left-color: #c0392b; }
			header { display: flex; flex-wrap: wrap; gap: .4em 1.2em; align-items: baseline; }
			h2 { font-size: 1.05em; margin: 0; font-family: ui-monospace, monospace; }
			.id { color: #777; font-family: ui-monospace, monospace; font-size: .85em; }
			.status { font-weight: bold; }
			.completed .status { color: #2e8b57; }
			.failed .status, .unfinished .status { color: #c0392b; }
			.timings { color: #555; }
			.failure { color: #c0392b; margin: .5em 0 0; }
			.images { display: flex; gap: 1.5em; align-items: flex-start; margin-top: .6em; }
			.thumbnails { display: flex; gap: 1em; align-items: flex-start; flex-wrap: wrap;
			  border-left: 1px dashed #ccc; padding-left: 1.5em; }
			figure { margin: 0; }
			img { display: block; max-width: 320px; max-height: 240px;
			  background: repeating-conic-gradient(#eee 0 25%%, #fff 0 50%%) 0 0 / 16px 16px; }
			figcaption { color: #555; font-size: .85em; margin-top: .3em; }
			.none { color: #777; }
			</style>
			</head>
			<body>
			<h1>image-worker local run</h1>
			<p class="summary">%s</p>
			<p class="generated">written %s; source left, thumbnails right, each links to its file</p>
			%s
			</body>
			</html>
			""";

	private RunReport() {
	}

	/**
	 * Replaces the files in {@code directory} with this run's page and images.
	 * @return the page
	 */
	static Path write(Path directory, RunSummary summary, List<RunItem> items) throws IOException {
		Files.createDirectories(directory);
		// The directory holds one run: a file of an earlier one would outlive its link.
		try (Stream<Path> files = Files.list(directory)) {
			for (Path file : files.filter(Files::isRegularFile).toList()) {
				Files.delete(file);
			}
		}
		StringBuilder rows = new StringBuilder();
		for (int i = 0; i < items.size(); i++) {
			rows.append(row(directory, String.format(Locale.ROOT, "%02d-", i + 1), items.get(i)));
		}
		Path page = directory.resolve(PAGE);
		Files.writeString(page,
				PAGE_TEMPLATE.formatted(html(summary.line()), Instant.now().truncatedTo(ChronoUnit.SECONDS), rows));
		return page;
	}

	private static String row(Path directory, String prefix, RunItem item) throws IOException {
		String stem = prefix + fileName(item.key());
		Files.write(directory.resolve(stem), item.source());
		StringBuilder thumbnails = new StringBuilder();
		for (RunItem.Thumbnail thumbnail : item.thumbnails()) {
			String file = stem.replaceFirst("\\.[^.]*$", "") + "-" + fileName(thumbnail.name()) + ".jpg";
			Files.write(directory.resolve(file), thumbnail.bytes());
			thumbnails.append(FIGURE.formatted(file, file, html(thumbnail.name()), html("%s %dx%d, %s"
				.formatted(thumbnail.name(), thumbnail.width(), thumbnail.height(), kib(thumbnail.bytes().length)))));
		}
		if (item.thumbnails().isEmpty()) {
			thumbnails.append("<p class=\"none\">no thumbnails</p>");
		}
		String source = FIGURE.formatted(stem, stem, html(item.key()),
				html((item.description().isEmpty() ? "" : item.description() + ", ") + kib(item.source().length)));
		return ROW.formatted(html(item.status().toLowerCase(Locale.ROOT)), html(item.key()), html(item.imageId()),
				html(item.status()), timings(item), failure(item), source, thumbnails);
	}

	private static String timings(RunItem item) {
		String uploadToFinal = item.uploadToFinal()
			.map((time) -> String.format(Locale.ROOT, "upload to %s %.2f s", item.status(), time.toMillis() / 1000.0))
			.orElse("no final state");
		String processing = (item.processingMillis() != null)
				? "<br>worker " + item.processingMillis() + " ms from download to variants stored" : "";
		return html(uploadToFinal) + processing;
	}

	private static String failure(RunItem item) {
		return (item.failure() != null) ? "<p class=\"failure\"><b>%s</b>: %s</p>"
			.formatted(html(item.failure().code()), html(item.failure().message())) : "";
	}

	/**
	 * The key's last segment, with nothing a relative URL or a file system would mind.
	 */
	private static String fileName(String key) {
		return key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
	}

	private static String kib(int bytes) {
		return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
	}

	private static String html(String text) {
		return text.replace("&", "&amp;")
			.replace("<", "&lt;")
			.replace(">", "&gt;")
			.replace("\"", "&quot;")
			.replace("'", "&#39;");
	}

}
