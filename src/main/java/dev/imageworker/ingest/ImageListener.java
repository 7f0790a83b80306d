package dev.imageworker.ingest;

import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import software.amazon.awssdk.services.sqs.model.Message;

import org.springframework.stereotype.Component;

/**
 * Receives the live queue's messages (uploads) and hands them on; while one is in flight,
 * and for a quiet period after, the bulk queue waits.
 */
@Component
class ImageListener {

	private final MessageHandling handling;

	ImageListener(MessageHandling handling) {
		this.handling = handling;
	}

	@SqsListener("${image-worker.queue}")
	void onMessage(Message message, Visibility visibility, Acknowledgement acknowledgement) {
		this.handling.handle(message, visibility, acknowledgement, InFlightTracker.Traffic.LIVE);
	}

}
