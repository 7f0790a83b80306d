package dev.imageworker.pipeline;

import java.util.function.LongFunction;

import dev.imageworker.failure.TransientFailure;

/**
 * How much a budget grants at once, found by asking it, as a caller would: the largest
 * claim that is granted, by bisection. A budget without patience refuses a claim that
 * does not fit at once, so asking takes no time.
 */
final class FreeRoom {

	private FreeRoom() {
	}

	/** The KiB these permits grant at once. */
	static int kib(KibPermits permits) {
		return kib((bytes) -> permits.acquire(bytes, "room"), permits.capacityKib());
	}

	/**
	 * The KiB a claim is granted at once.
	 * @param claim takes bytes, or fails transiently where they do not fit
	 * @param capacityKib the whole budget: no claim gets more
	 */
	static int kib(LongFunction<KibPermits.Lease> claim, int capacityKib) {
		int granted = 0;
		int refused = capacityKib + 1;
		while (refused - granted > 1) {
			int middle = (granted + refused) >>> 1;
			if (grants(claim, middle)) {
				granted = middle;
			}
			else {
				refused = middle;
			}
		}
		return granted;
	}

	private static boolean grants(LongFunction<KibPermits.Lease> claim, int kib) {
		try (KibPermits.Lease _ = claim.apply(kib * 1024L)) {
			return true;
		}
		catch (TransientFailure ex) {
			return false;
		}
	}

}
