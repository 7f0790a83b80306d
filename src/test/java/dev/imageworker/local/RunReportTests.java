package dev.imageworker.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RunReportTests {

	private static final Pattern LINK = Pattern.compile("(?:src|href)=\"([^\"]*)\"");

	private static final Instant STARTED = Instant.parse("2026-11-24T10:00:00Z");

	@TempDir
	Path directory;

	@Test
	void namesEveryImageAndLinksOnlyFilesWrittenBesideIt() throws IOException {
		List<RunItem> items = items();

		Path page = RunReport.write(this.directory, RunSummary.of(items, STARTED), items);
		String html = Files.readString(page);

		assertThat(page).isEqualTo(this.directory.resolve("index.html"));
		assertThat(html).contains("uploads/demo/landscape.jpg", "uploads/demo/broken.jpg", "uploads/demo/slow.png",
				"img_1", "img_2", "img_3");
		List<String> links = LINK.matcher(html).results().map((link) -> link.group(1)).toList();
		// Each image's <img> and its link to the full file: a source and two thumbnails,
		// then the two sources without.
		assertThat(links).hasSize(10).allSatisfy((link) -> {
			assertThat(link).doesNotContain("/", ":");
			assertThat(this.directory.resolve(link)).isRegularFile();
		});
		assertThat(this.directory.resolve("01-landscape-thumb.jpg")).hasBinaryContent(new byte[] { 1, 2, 3 });
		assertThat(this.directory.resolve("02-broken.jpg")).hasBinaryContent(items.get(1).source());
	}

	@Test
	void showsStatusTimingsAndFailureReasonsEscaped() throws IOException {
		List<RunItem> items = items();

		String html = Files.readString(RunReport.write(this.directory, RunSummary.of(items, STARTED), items));

		assertThat(html).contains("COMPLETED", "upload to COMPLETED 1.50 s",
				"worker 420 ms from download to variants stored", "thumb 256x192, 0.0 KiB", "FAILED",
				"upload to FAILED 0.75 s", "<b>CORRUPT_IMAGE</b>", "ends early &lt;EOF&gt; &amp; no more", "UNFINISHED",
				"no final state", "3 images: 1 completed, 1 failed, 1 not finished");
		assertThat(html).doesNotContain("<EOF>");
	}

	@Test
	void aNewRunReplacesTheFilesOfTheLast() throws IOException {
		List<RunItem> items = items();
		RunReport.write(this.directory, RunSummary.of(items, STARTED), items);

		RunReport.write(this.directory, RunSummary.of(items.subList(1, 2), STARTED), items.subList(1, 2));

		try (var files = Files.list(this.directory)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactlyInAnyOrder("index.html",
					"01-broken.jpg");
		}
	}

	@Test
	void summarisesCountsPercentilesAndThroughput() {
		List<RunItem> items = List.of(finished("a", "COMPLETED", 1000, 2000), finished("b", "COMPLETED", 1000, 3000),
				finished("c", "COMPLETED", 1000, 4000), finished("d", "FAILED", 1000, 5000));

		RunSummary summary = RunSummary.of(items, STARTED);

		assertThat(summary.p50()).isEqualTo(Duration.ofSeconds(2));
		assertThat(summary.p99()).isEqualTo(Duration.ofSeconds(4));
		assertThat(summary.imagesPerSecond()).isEqualTo(0.8);
		assertThat(summary.line())
			.isEqualTo("4 images: 3 completed, 1 failed; upload to final state p50 2.00 s, p99 4.00 s; 0.80 images/s");
	}

	private static List<RunItem> items() {
		byte[] jpeg = SampleImages.jpeg(40, 30);
		RunItem completed = new RunItem("uploads/demo/landscape.jpg", "img_1", "COMPLETED", jpeg, "JPEG 40x30",
				STARTED.plusMillis(100), STARTED.plusMillis(1600), 420L, null,
				List.of(new RunItem.Thumbnail("medium", 40, 30, new byte[] { 4, 5, 6 }),
						new RunItem.Thumbnail("thumb", 256, 192, new byte[] { 1, 2, 3 })));
		RunItem failed = new RunItem("uploads/demo/broken.jpg", "img_2", "FAILED", SampleImages.truncated(jpeg, 0.4),
				"", STARTED.plusMillis(200), STARTED.plusMillis(950), null,
				new RunItem.Failure("CORRUPT_IMAGE", "ends early <EOF> & no more"), List.of());
		RunItem unfinished = new RunItem("uploads/demo/slow.png", "img_3", RunItem.UNFINISHED,
				SampleImages.png(8, 8, false), "", STARTED.plusMillis(300), null, null, null, List.of());
		return List.of(completed, failed, unfinished);
	}

	private static RunItem finished(String key, String status, long uploadedMillis, long finishedMillis) {
		return new RunItem(key, key, status, new byte[0], "", STARTED.plusMillis(uploadedMillis),
				STARTED.plusMillis(finishedMillis), null, null, List.of());
	}

}
