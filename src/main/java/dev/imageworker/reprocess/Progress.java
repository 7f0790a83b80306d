package dev.imageworker.reprocess;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The run's progress on the terminal, at most once per interval: count, rate since the
 * start of this run and the time left at that rate. On a terminal the line is rewritten
 * in place; in a log, printed anew.
 */
final class Progress {

	private final PrintStream out;

	private final long total;

	private final long resumedAt;

	private final long intervalNanos;

	private final boolean terminal = System.console() != null;

	private final long started = System.nanoTime();

	private long sent;

	private long printed;

	Progress(PrintStream out, long total, long alreadySent, Duration interval) {
		this.out = out;
		this.total = total;
		this.sent = alreadySent;
		this.resumedAt = alreadySent;
		this.intervalNanos = interval.toNanos();
	}

	long total() {
		return this.total;
	}

	void sent(int more) {
		this.sent += more;
		long now = System.nanoTime();
		if (now - this.printed >= this.intervalNanos) {
			this.printed = now;
			print(now, false);
		}
	}

	void done() {
		print(System.nanoTime(), true);
	}

	private void print(long now, boolean last) {
		double seconds = Math.max(1e-3, (now - this.started) / 1e9);
		double rate = (this.sent - this.resumedAt) / seconds;
		long left = Math.max(0, this.total - this.sent);
		String eta = (rate > 0) ? format(Duration.ofSeconds((long) Math.ceil(left / rate))) : "?";
		String line = String.format("sent %d of %d (%.1f%%), %.1f/s, ETA %s", this.sent, this.total,
				(this.total > 0) ? 100.0 * this.sent / this.total : 100.0, rate, last ? "done" : eta);
		if (this.terminal && !last) {
			this.out.print("\r" + line);
		}
		else {
			this.out.println(this.terminal ? "\r" + line : line);
		}
		this.out.flush();
	}

	static String format(Duration duration) {
		long hours = duration.toHours();
		return (hours > 0) ? "%dh%02dm".formatted(hours, duration.toMinutesPart())
				: "%dm%02ds".formatted(duration.toMinutesPart(), duration.toSecondsPart());
	}

}
