package dev.imageworker.core;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a queue message asks for: the images it names, the parts of it that cannot be
 * processed, or nothing at all (an S3 test event).
 *
 * @param jobs images to render
 * @param rejections records or whole messages that are invalid
 */
public record ParsedMessage(List<ImageJob> jobs, List<Rejection> rejections) {

	public ParsedMessage {
		jobs = List.copyOf(jobs);
		rejections = List.copyOf(rejections);
	}

	public static ParsedMessage ignored() {
		return new ParsedMessage(List.of(), List.of());
	}

	public static ParsedMessage invalid(String reason) {
		return new ParsedMessage(List.of(), List.of(new Rejection(null, reason)));
	}

	public boolean isIgnorable() {
		return this.jobs.isEmpty() && this.rejections.isEmpty();
	}

	/**
	 * An invalid message or record.
	 *
	 * @param job the image it names, where it names one
	 * @param reason why it cannot be processed
	 */
	public record Rejection(@Nullable ImageJob job, String reason) {
	}

}
