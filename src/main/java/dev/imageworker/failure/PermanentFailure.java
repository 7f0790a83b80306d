package dev.imageworker.failure;

import org.jspecify.annotations.Nullable;

/**
 * A failure that no retry can cure: the message goes to the dead-letter queue at once.
 */
public final class PermanentFailure extends ProcessingFailure {

	private final FailureCode code;

	public PermanentFailure(FailureCode code, String message) {
		this(code, message, null);
	}

	public PermanentFailure(FailureCode code, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	public FailureCode code() {
		return this.code;
	}

}
