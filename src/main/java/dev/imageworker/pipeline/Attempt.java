package dev.imageworker.pipeline;

import dev.imageworker.core.ImageJob;
import dev.imageworker.core.SourceObject;
import org.jspecify.annotations.Nullable;

/**
 * What one delivery of an image learned before it ended: the version it read, the job as
 * the object completed it, and whether it claimed the item for that version, so a failure
 * is recorded against that version.
 */
final class Attempt {

	private ImageJob named;

	private @Nullable SourceObject source;

	private @Nullable ImageJob read;

	private boolean claimed;

	Attempt(ImageJob named) {
		this.named = named;
	}

	/** The job under the id it was found to hold, before its object is read. */
	void identified(ImageJob job) {
		this.named = job;
	}

	void read(SourceObject source, ImageJob job) {
		this.source = source;
		this.read = job;
	}

	void claimed() {
		this.claimed = true;
	}

	@Nullable SourceObject source() {
		return this.source;
	}

	/** The job with what the object added to it, once it was read. */
	ImageJob job() {
		return (this.read != null) ? this.read : this.named;
	}

	boolean isClaimed() {
		return this.claimed;
	}

}
