package dev.imageworker.pipeline;

import dev.imageworker.storage.SourceObject;
import org.jspecify.annotations.Nullable;

/**
 * What one delivery of an image learned before it ended: the version it read and whether
 * it claimed the item for it, so a failure is recorded against that version.
 */
final class Attempt {

	private @Nullable SourceObject source;

	private boolean claimed;

	void read(SourceObject source) {
		this.source = source;
	}

	void claimed() {
		this.claimed = true;
	}

	@Nullable SourceObject source() {
		return this.source;
	}

	boolean isClaimed() {
		return this.claimed;
	}

}
