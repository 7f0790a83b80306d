package dev.imageworker.pipeline;

/**
 * The message attributes of a message the worker dead-letters, as docs/contracts.md lists
 * them: {@link DeadLetterQueue} writes them, the operators' endpoint and the tests read
 * them by these names.
 */
public final class DeadLetterAttributes {

	/** The first failure's {@code FailureCode}. */
	public static final String FAILURE_CODE = "failure-code";

	/** The failure in words, or every failure's when there are several. */
	public static final String FAILURE_MESSAGE = "failure-message";

	/** How many images of the message failed, when more than one did. */
	public static final String FAILURE_COUNT = "failure-count";

	/** The message's id in the queue it came from. */
	public static final String SOURCE_MESSAGE_ID = "source-message-id";

	/** The image the first failure concerns, when the message named one. */
	public static final String IMAGE_ID = "image-id";

	private DeadLetterAttributes() {
	}

}
