package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.TransientFailure;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Bounds the source bytes held on the heap at once to what they were before messages were
 * prefetched: one object at the byte limit per render thread. Prefetched messages with
 * everyday photos download at once; a run of sources at the limit waits here, its message
 * kept hidden by the heartbeat, instead of growing the heap past its maximum.
 */
@Component
class SourceBudget {

	/** Permits count KiB, so a budget of any size fits in an int. */
	private static final int UNIT = 1024;

	private final Semaphore permits;

	private final int capacity;

	private final Duration patience;

	@Autowired
	SourceBudget(ImageWorkerProperties properties) {
		this(properties.processing().effectiveConcurrency() * properties.limits().maxBytes().toBytes(),
				properties.processing().jobTimeout());
	}

	SourceBudget(long bytes, Duration patience) {
		this.capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
		this.permits = new Semaphore(this.capacity, true);
		this.patience = patience;
	}

	/**
	 * Waits until a source of this size fits.
	 * @return the lease to close once the source bytes are no longer needed
	 */
	Lease hold(long bytes) {
		int cost = (int) Math.min(this.capacity, Math.max(1, bytes / UNIT));
		try {
			if (!this.permits.tryAcquire(cost, this.patience.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new TransientFailure("no heap room to download within " + this.patience.toSeconds() + " s", null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TransientFailure("interrupted while waiting for heap room to download", ex);
		}
		return new Lease(cost);
	}

	int available() {
		return this.permits.availablePermits();
	}

	/** Heap held by one source. */
	final class Lease implements AutoCloseable {

		private final int cost;

		private Lease(int cost) {
			this.cost = cost;
		}

		@Override
		public void close() {
			SourceBudget.this.permits.release(this.cost);
		}

	}

}
