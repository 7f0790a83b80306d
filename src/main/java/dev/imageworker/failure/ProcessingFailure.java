package dev.imageworker.failure;

import org.jspecify.annotations.Nullable;

/**
 * A failure while processing one image, typed by what the pipeline must do about it: a
 * {@link PermanentFailure} ends the message in the dead-letter queue, a
 * {@link TransientFailure} leaves it on the queue for another attempt.
 */
public abstract sealed class ProcessingFailure extends RuntimeException permits PermanentFailure, TransientFailure {

	ProcessingFailure(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
