package dev.imageworker.ingest;

import java.util.HashMap;
import java.util.Map;

import dev.imageworker.pipeline.Disposition;
import dev.imageworker.pipeline.ImagePipeline;
import dev.imageworker.pipeline.ReceivedMessage;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.stereotype.Component;

/**
 * What either listener does with a message: parses it and hands it to the pipeline while
 * the heartbeat keeps it hidden, then deletes it or hides it for the backoff the pipeline
 * asks for.
 */
@Component
class MessageHandling {

	private final ImagePipeline pipeline;

	private final MessageParser parser;

	private final VisibilityHeartbeat heartbeat;

	private final InFlightTracker inFlight;

	MessageHandling(ImagePipeline pipeline, MessageParser parser, VisibilityHeartbeat heartbeat,
			InFlightTracker inFlight) {
		this.pipeline = pipeline;
		this.parser = parser;
		this.heartbeat = heartbeat;
		this.inFlight = inFlight;
	}

	void handle(Message message, Visibility visibility, Acknowledgement acknowledgement,
			InFlightTracker.Traffic traffic) {
		String receiveCount = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
		Map<String, String> attributes = new HashMap<>();
		message.messageAttributes().forEach((name, value) -> {
			if (value.dataType().startsWith("String") && value.stringValue() != null) {
				attributes.put(name, value.stringValue());
			}
		});
		ReceivedMessage received = new ReceivedMessage(message.messageId(), message.body(),
				(receiveCount != null) ? Integer.parseInt(receiveCount) : 1, attributes);
		Disposition disposition;
		// Settled before the backoff below, so no extension can overwrite it.
		try (InFlightTracker.Held held = this.inFlight.hold(message.messageId(), visibility, traffic)) {
			this.heartbeat.keepHidden(held);
			disposition = this.pipeline.process(received, this.parser.parse(received.body(), attributes));
		}
		switch (disposition) {
			case Disposition.Acknowledge ignored -> acknowledgement.acknowledge();
			case Disposition.RetryLater retry -> visibility.changeTo((int) retry.visibility().toSeconds());
		}
	}

}
