package dev.imageworker.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler;

/**
 * Grants a listener container no receive while its gate is shut: while a downstream's
 * breaker is open, and for the bulk queue's container ({@link BulkContainerFactory}) also
 * while live traffic is not quiet. The container asks again after its delay between
 * polls, so receiving resumes within a second of the gate opening.
 */
final class ListenerGate implements BackPressureHandler {

	private final BooleanSupplier shut;

	ListenerGate(BooleanSupplier shut) {
		this.shut = shut;
	}

	@Override
	public int request(int amount) {
		return this.shut.getAsBoolean() ? 0 : amount;
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
