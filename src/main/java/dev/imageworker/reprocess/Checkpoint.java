package dev.imageworker.reprocess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Where a reprocessing run stands, in a small file rewritten after every batch: the page
 * it was reading, how many of that page's jobs are sent, and how many in all. A run
 * started again with the same selection continues there; one whose selection differs
 * starts over.
 *
 * @param selection the run's selection, as given on the command line
 * @param page the token of the page being sent, null for the first
 * @param offset jobs of that page already sent
 * @param sent jobs sent in all
 */
record Checkpoint(String selection, @Nullable String page, int offset, long sent) {

	static Checkpoint start(String selection) {
		return new Checkpoint(selection, null, 0, 0);
	}

	/** The checkpoint in the file, if it is one of this selection; else a fresh start. */
	static Checkpoint load(Path file, String selection) {
		if (!Files.isRegularFile(file)) {
			return start(selection);
		}
		Properties properties = new Properties();
		try (var reader = Files.newBufferedReader(file)) {
			properties.load(reader);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		if (!selection.equals(properties.getProperty("selection"))) {
			return start(selection);
		}
		return new Checkpoint(selection, properties.getProperty("page"),
				Integer.parseInt(properties.getProperty("offset", "0")),
				Long.parseLong(properties.getProperty("sent", "0")));
	}

	/** Writes it atomically, so a crash mid-write leaves the previous checkpoint. */
	void save(Path file) {
		Properties properties = new Properties();
		properties.setProperty("selection", this.selection);
		if (this.page != null) {
			properties.setProperty("page", this.page);
		}
		properties.setProperty("offset", Integer.toString(this.offset));
		properties.setProperty("sent", Long.toString(this.sent));
		try {
			Path parent = file.toAbsolutePath().getParent();
			Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
			try (var writer = Files.newBufferedWriter(temporary)) {
				properties.store(writer, "image-worker reprocess");
			}
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	Checkpoint sentOnPage(@Nullable String page, int offset, int more) {
		return new Checkpoint(this.selection, page, offset, this.sent + more);
	}

}
