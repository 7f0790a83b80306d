package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.imageworker.failure.TransientFailure;

/**
 * A fair budget of bytes, counted in KiB so a budget of any size fits in a semaphore. A
 * claim larger than the whole budget waits until it has the budget to itself; one that
 * waits longer than its patience fails transiently, so its message comes back later.
 */
final class KibPermits {

	private static final int UNIT = 1024;

	private final Semaphore permits;

	private final int capacity;

	private final Duration patience;

	KibPermits(long bytes, Duration patience) {
		this.capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
		this.permits = new Semaphore(this.capacity, true);
		this.patience = patience;
	}

	/**
	 * Waits until {@code bytes} fit.
	 * @param purpose what the bytes are for, as the failure names it
	 * @return the lease to close once the bytes are no longer held
	 */
	Lease acquire(long bytes, String purpose) {
		int cost = cost(bytes);
		try {
			if (!this.permits.tryAcquire(cost, this.patience.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new TransientFailure("no " + purpose + " within " + this.patience.toSeconds() + " s", null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TransientFailure("interrupted while waiting for " + purpose, ex);
		}
		return new Lease(cost);
	}

	/** Permits for this many bytes, capped at the whole budget. */
	private int cost(long bytes) {
		if (bytes <= 0) {
			return 0;
		}
		return (int) Math.min(this.capacity, Math.max(1, bytes / UNIT));
	}

	int capacityKib() {
		return this.capacity;
	}

	int available() {
		return this.permits.availablePermits();
	}

	/** Bytes held until closed. */
	final class Lease implements AutoCloseable {

		private final int cost;

		private Lease(int cost) {
			this.cost = cost;
		}

		@Override
		public void close() {
			KibPermits.this.permits.release(this.cost);
		}

	}

}
