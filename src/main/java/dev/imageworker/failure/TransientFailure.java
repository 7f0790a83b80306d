package dev.imageworker.failure;

/**
 * A failure that may pass (throttling, 5xx, timeouts): the message is retried after a
 * backoff.
 */
public final class TransientFailure extends ProcessingFailure {

	public TransientFailure(String message, Throwable cause) {
		super(message, cause);
	}

}
