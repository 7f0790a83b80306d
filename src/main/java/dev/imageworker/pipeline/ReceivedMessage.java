package dev.imageworker.pipeline;

/**
 * A queue message as the pipeline sees it.
 *
 * @param messageId the SQS message id
 * @param body the raw body
 * @param receiveCount how often SQS has delivered it, this time included
 */
public record ReceivedMessage(String messageId, String body, int receiveCount) {
}
