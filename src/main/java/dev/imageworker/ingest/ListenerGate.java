package dev.imageworker.ingest;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.awspring.cloud.sqs.listener.IdentifiableContainerComponent;
import io.awspring.cloud.sqs.listener.backpressure.BackPressureHandler;

/**
 * Grants a listener container no receive while a downstream's breaker is open; the
 * container asks again after its delay between polls, so receiving resumes within a
 * second of the breaker closing. The bulk queue's container is granted one only when live
 * uploads have left the worker idle for the quiet period: a backfill runs in the gaps of
 * live traffic and never holds a render thread, the memory budget or the local AWS's
 * attention that an upload could use.
 */
final class ListenerGate implements BackPressureHandler, IdentifiableContainerComponent {

	private final BooleanSupplier breakerOpen;

	private final InFlightTracker inFlight;

	private final Duration quiet;

	private volatile String id = "";

	ListenerGate(BooleanSupplier breakerOpen, InFlightTracker inFlight, Duration quiet) {
		this.breakerOpen = breakerOpen;
		this.inFlight = inFlight;
		this.quiet = quiet;
	}

	@Override
	public void setId(String id) {
		this.id = id;
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public int request(int amount) {
		if (this.breakerOpen.getAsBoolean()) {
			return 0;
		}
		// The container names its message source "<container id>-<index>", and the
		// composite handler its parts "<class>-<source id>".
		boolean bulk = this.id.contains("-" + ListenerConfiguration.BULK + "-");
		return (!bulk || this.inFlight.isLiveQuietFor(this.quiet)) ? amount : 0;
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
