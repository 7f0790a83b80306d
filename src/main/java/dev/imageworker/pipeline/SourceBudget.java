package dev.imageworker.pipeline;

import java.time.Duration;

import dev.imageworker.config.ImageWorkerProperties;

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

	private final KibPermits permits;

	@Autowired
	SourceBudget(ImageWorkerProperties properties) {
		this(bytes(properties), properties.processing().jobTimeout());
	}

	SourceBudget(long bytes, Duration patience) {
		this.permits = new KibPermits(bytes, patience);
	}

	/** One source at the byte limit per render thread. */
	static long bytes(ImageWorkerProperties properties) {
		return properties.processing().effectiveConcurrency() * properties.limits().maxBytes().toBytes();
	}

	/**
	 * Waits until a source of this size fits.
	 * @return the lease to close once the source bytes are no longer needed
	 */
	KibPermits.Lease hold(long bytes) {
		return this.permits.acquire(bytes, "heap room to download");
	}

}
