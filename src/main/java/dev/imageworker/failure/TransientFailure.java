package dev.imageworker.failure;

import org.jspecify.annotations.Nullable;

/**
 * A failure that may pass (throttling, 5xx, timeouts): the message is retried after a
 * backoff.
 */
public final class TransientFailure extends ProcessingFailure {

	public TransientFailure(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
