package dev.imageworker.ingest;

import java.time.Duration;

import dev.imageworker.downstream.DownstreamBreakers;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler;

/**
 * Grants the listener no receives while a downstream's breaker is open. The container
 * asks again after its delay between polls, so receiving resumes within a second of the
 * breaker closing.
 */
final class DownstreamGate implements BackPressureHandler {

	private final DownstreamBreakers downstreams;

	DownstreamGate(DownstreamBreakers downstreams) {
		this.downstreams = downstreams;
	}

	@Override
	public int request(int amount) {
		return this.downstreams.isOpen() ? 0 : amount;
	}

	@Override
	public void release(int amount, ReleaseReason reason) {
		// Holds no permits of its own.
	}

	@Override
	public boolean drain(Duration timeout) {
		return true;
	}

}
