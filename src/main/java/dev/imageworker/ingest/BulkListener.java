package dev.imageworker.ingest;

import io.awspring.cloud.sqs.annotation.SqsListener;
import io.awspring.cloud.sqs.listener.Visibility;
import io.awspring.cloud.sqs.listener.acknowledgement.Acknowledgement;
import software.amazon.awssdk.services.sqs.model.Message;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Receives the bulk queue's messages (reprocessing, backfills) one at a time, and only
 * while the live queue leaves the worker idle (its container's gate, see
 * {@link BulkContainerFactory}).
 */
@Component
@ConditionalOnProperty("image-worker.bulk-queue")
class BulkListener {

	private final MessageHandling handling;

	BulkListener(MessageHandling handling) {
		this.handling = handling;
	}

	@SqsListener(value = "${image-worker.bulk-queue}", id = "bulk", factory = ListenerConfiguration.BULK_CONTAINERS,
			maxConcurrentMessages = "1")
	void onMessage(Message message, Visibility visibility, Acknowledgement acknowledgement) {
		this.handling.handle(message, visibility, acknowledgement, InFlightTracker.Traffic.BULK);
	}

}
