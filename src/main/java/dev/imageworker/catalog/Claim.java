package dev.imageworker.catalog;

import java.util.List;

import dev.imageworker.core.StoredVariant;
import dev.imageworker.imaging.Placeholder;
import org.jspecify.annotations.Nullable;

/** The outcome of claiming an image for rendering. */
public sealed interface Claim {

	/**
	 * The image is PROCESSING for this delivery: render it.
	 *
	 * @param createdAt when the item was first written
	 * @param attempts deliveries that claimed it so far, this one included
	 * @param reprocessing whether this very version was COMPLETED: rendered again, with
	 * other variants or on request
	 * @param userId the owner the item records: the first claim's, which no later job
	 * changes
	 */
	record Claimed(String createdAt, long attempts, boolean reprocessing, @Nullable String userId) implements Claim {
	}

	/** This source version is COMPLETED and its event went out: nothing left to do. */
	record Announced() implements Claim {
	}

	/**
	 * This source version is COMPLETED but its event may not have gone out, as after a
	 * crash or an SNS fault between the two: announce it now.
	 *
	 * @param variants the stored variants of the completed item
	 * @param userId the owner the item records
	 * @param placeholder the completed item's placeholder, where it has one
	 */
	record Unannounced(List<StoredVariant> variants, @Nullable String userId,
			@Nullable Placeholder placeholder) implements Claim {
	}

	/**
	 * A newer version of the source holds the item: this one is out of date, and the
	 * newer one's own event renders it.
	 */
	record Superseded() implements Claim {
	}

}
