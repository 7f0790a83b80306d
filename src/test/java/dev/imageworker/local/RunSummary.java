package dev.imageworker.local;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one run: how many images ended how, the time from upload to final state
 * and the throughput.
 *
 * @param images the images uploaded
 * @param completed those COMPLETED
 * @param failed those FAILED
 * @param p50 median time from upload to final state (nearest rank)
 * @param p99 99th percentile of that time
 * @param imagesPerSecond finished images over the time from the first upload starting to
 * the last one finishing
 */
record RunSummary(int images, long completed, long failed, Duration p50, Duration p99, double imagesPerSecond) {

	static RunSummary of(List<RunItem> items, Instant started) {
		List<Duration> times = items.stream().map(RunItem::uploadToFinal).flatMap(Optional::stream).sorted().toList();
		Optional<Instant> last = items.stream()
			.map(RunItem::finishedAt)
			.filter(java.util.Objects::nonNull)
			.max(Instant::compareTo);
		double seconds = last.map((at) -> Duration.between(started, at).toMillis() / 1000.0).orElse(0.0);
		return new RunSummary(items.size(), count(items, "COMPLETED"), count(items, "FAILED"), percentile(times, 50),
				percentile(times, 99), (seconds > 0) ? times.size() / seconds : 0);
	}

	long unfinished() {
		return this.images - this.completed - this.failed;
	}

	String line() {
		return String.format(Locale.ROOT,
				"%d images: %d completed, %d failed%s; upload to final state p50 %.2f s, p99 %.2f s; %.2f images/s",
				this.images, this.completed, this.failed,
				(unfinished() > 0) ? ", " + unfinished() + " not finished" : "", this.p50.toMillis() / 1000.0,
				this.p99.toMillis() / 1000.0, this.imagesPerSecond);
	}

	private static long count(List<RunItem> items, String status) {
		return items.stream().filter((item) -> item.status().equals(status)).count();
	}

	/** Nearest rank, as the end-to-end benchmark reports it; zero for no times. */
	private static Duration percentile(List<Duration> sorted, int percent) {
		if (sorted.isEmpty()) {
			return Duration.ZERO;
		}
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(rank, 1) - 1);
	}

}
