package dev.imageworker.ingest;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
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
 * asks for. A bulk message that arrives after live uploads resumed (its poll was granted
 * in the quiet moment before) waits, hidden, for the next quiet period instead of taking
 * the worker from them, for at most the job time limit; it is not released to the queue,
 * where every receive would count it towards the dead-letter queue.
 */
@Component
class MessageHandling {

	private final ImagePipeline pipeline;

	private final MessageParser parser;

	private final VisibilityHeartbeat heartbeat;

	private final InFlightTracker inFlight;

	private final Duration bulkQuietPeriod;

	private final Duration jobTimeout;

	MessageHandling(ImagePipeline pipeline, MessageParser parser, VisibilityHeartbeat heartbeat,
			InFlightTracker inFlight, ImageWorkerProperties properties) {
		this.pipeline = pipeline;
		this.parser = parser;
		this.heartbeat = heartbeat;
		this.inFlight = inFlight;
		this.bulkQuietPeriod = properties.processing().bulkQuietPeriod();
		this.jobTimeout = properties.processing().jobTimeout();
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
			if (traffic == InFlightTracker.Traffic.BULK
					&& !this.inFlight.awaitLiveQuiet(held, this.bulkQuietPeriod, this.jobTimeout)) {
				// Released at shutdown: the queue has it back.
				return;
			}
			disposition = this.pipeline.process(received, this.parser.parse(received.body(), attributes));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		switch (disposition) {
			case Disposition.Acknowledge ignored -> acknowledgement.acknowledge();
			case Disposition.RetryLater retry -> visibility.changeTo((int) retry.visibility().toSeconds());
		}
	}

}
