package dev.imageworker.ingest;

import java.util.HashMap;
import java.util.Map;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.pipeline.Disposition;
import dev.imageworker.pipeline.ImagePipeline;
import dev.imageworker.pipeline.ReceivedMessage;
import dev.imageworker.scaling.InFlightTracker;
import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import org.springframework.stereotype.Component;

/**
 * Receives queue messages and hands them to the pipeline. A message is deleted only when
 * the pipeline says so; otherwise it is hidden for a backoff and comes back.
 */
@Component
class ImageListener {

	/**
	 * The bound properties, defaults included; a placeholder would see only explicit
	 * values.
	 */
	private static final String QUEUE = "#{@'" + ImageWorkerProperties.BEAN_NAME + "'.queue()}";

	private final ImagePipeline pipeline;

	private final VisibilityHeartbeat heartbeat;

	private final InFlightTracker inFlight;

	ImageListener(ImagePipeline pipeline, VisibilityHeartbeat heartbeat, InFlightTracker inFlight) {
		this.pipeline = pipeline;
		this.heartbeat = heartbeat;
		this.inFlight = inFlight;
	}

	@SqsListener(QUEUE)
	void onMessage(Message message, Visibility visibility, Acknowledgement acknowledgement) {
		String receiveCount = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
		Map<String, String> attributes = new HashMap<>();
		message.messageAttributes().forEach((name, value) -> {
			if (value.dataType().startsWith("String") && value.stringValue() != null) {
				attributes.put(name, value.stringValue());
			}
		});
		ReceivedMessage received = new ReceivedMessage(message.messageId(), message.body(),
				(receiveCount != null) ? Integer.parseInt(receiveCount) : 1, attributes);
		this.inFlight.begin();
		try {
			Disposition disposition;
			// Closed before the backoff below, so no extension can overwrite it.
			try (VisibilityHeartbeat.Beat _ = this.heartbeat.start(message.messageId(), visibility)) {
				disposition = this.pipeline.process(received);
			}
			switch (disposition) {
				case Disposition.Acknowledge ignored -> acknowledgement.acknowledge();
				case Disposition.RetryLater retry -> visibility.changeTo((int) retry.visibility().toSeconds());
			}
		}
		finally {
			this.inFlight.end();
		}
	}

}
