package dev.imageworker.reprocess;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a reprocessing run renders again, read a page at a time so that a run of a million
 * images holds one page in memory and can resume at a page.
 */
interface Selection {

	/** The selection as given, to tell a checkpoint of this run from another's. */
	String describe();

	/** How many jobs the selection holds, for progress and ETA (a counting pass). */
	long count();

	/**
	 * @param token where to start, null for the beginning
	 */
	Page page(@Nullable String token);

	/**
	 * One page of jobs.
	 *
	 * @param jobs the direct jobs to send, as message bodies' fields
	 * @param next the token of the next page, null after the last
	 */
	record Page(List<Map<String, Object>> jobs, @Nullable String next) {
	}

}
