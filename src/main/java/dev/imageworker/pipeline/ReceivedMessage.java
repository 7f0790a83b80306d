package dev.imageworker.pipeline;

import java.util.Map;

/**
 * A queue message as the pipeline sees it.
 *
 * @param messageId the SQS message id
 * @param body the raw body
 * @param receiveCount how often SQS has delivered it, this time included
 * @param attributes its message attributes of type String
 */
public record ReceivedMessage(String messageId, String body, int receiveCount, Map<String, String> attributes) {

	public ReceivedMessage {
		attributes = Map.copyOf(attributes);
	}

}
