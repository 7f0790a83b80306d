package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.ProcessingFailure;
import dev.imageworker.failure.TransientFailure;
import dev.imageworker.ingest.ImageJob;
import dev.imageworker.ingest.MessageParser;
import dev.imageworker.ingest.ParsedMessage;
import dev.imageworker.notify.EventPublisher;
import dev.imageworker.notify.ImageEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Service;

/**
 * Settles one queue message: processes every image it names and decides, in this one
 * place, what each failure means. Permanent failures are recorded, dead-lettered and
 * announced at once; transient ones leave the message on the queue with a backoff until
 * the last permitted receive, which records them as
 * {@link FailureCode#RETRIES_EXHAUSTED}.
 */
@Service
public class ImagePipeline {

	private static final Logger log = LoggerFactory.getLogger(ImagePipeline.class);

	private final MessageParser parser;

	private final ImageProcessor processor;

	private final ImageCatalog catalog;

	private final DeadLetterQueue deadLetters;

	private final EventPublisher events;

	private final PipelineMetrics metrics;

	private final ImageWorkerProperties.Processing settings;

	ImagePipeline(MessageParser parser, ImageProcessor processor, ImageCatalog catalog, DeadLetterQueue deadLetters,
			EventPublisher events, PipelineMetrics metrics, ImageWorkerProperties properties) {
		this.parser = parser;
		this.processor = processor;
		this.catalog = catalog;
		this.deadLetters = deadLetters;
		this.events = events;
		this.metrics = metrics;
		this.settings = properties.processing();
	}

	public Disposition process(ReceivedMessage message) {
		MDC.put("messageId", message.messageId());
		try {
			Disposition disposition = settle(message);
			this.metrics.message((disposition instanceof Disposition.RetryLater) ? "retried" : "acknowledged");
			return disposition;
		}
		finally {
			MDC.remove("messageId");
		}
	}

	private Disposition settle(ReceivedMessage message) {
		ParsedMessage parsed = this.parser.parse(message.body());
		if (parsed.isIgnorable()) {
			log.info("Ignoring S3 test event");
			return new Disposition.Acknowledge();
		}
		List<Retry> retries = new ArrayList<>();
		try {
			for (ParsedMessage.Rejection rejection : parsed.rejections()) {
				inContext(rejection.job(), () -> failPermanently(message, rejection.job(),
						new PermanentFailure(FailureCode.INVALID_MESSAGE, rejection.reason())));
			}
			for (ImageJob job : parsed.jobs()) {
				inContext(job, () -> processOne(message, job, retries));
			}
			if (retries.isEmpty()) {
				return new Disposition.Acknowledge();
			}
			if (message.receiveCount() < this.settings.maxReceiveCount()) {
				return new Disposition.RetryLater(this.settings.backoffAfter(message.receiveCount()));
			}
			for (Retry retry : retries) {
				inContext(retry.job(),
						() -> failPermanently(message, retry.job(),
								new PermanentFailure(
										FailureCode.RETRIES_EXHAUSTED, "failed on all " + message.receiveCount()
												+ " receives, last: " + retry.failure().getMessage(),
										retry.failure())));
			}
			return new Disposition.Acknowledge();
		}
		catch (TransientFailure ex) {
			// Recording a failure failed: the queue's redrive policy is the last line of
			// defence.
			log.warn("Could not record a failure, leaving the message for redelivery", ex);
			return new Disposition.RetryLater(this.settings.backoffAfter(message.receiveCount()));
		}
	}

	private void processOne(ReceivedMessage message, ImageJob job, List<Retry> retries) {
		long start = System.nanoTime();
		String outcome;
		try {
			outcome = this.processor.process(job) ? "completed" : "duplicate";
			this.metrics.image(outcome, null);
		}
		catch (PermanentFailure failure) {
			outcome = "failed";
			failPermanently(message, job, failure);
		}
		catch (RuntimeException ex) {
			outcome = "retried";
			TransientFailure failure = asTransient(ex);
			log.warn("Transient failure on receive {} of {}: {}", message.receiveCount(),
					this.settings.maxReceiveCount(), failure.getMessage(), failure);
			this.metrics.image("retried", null);
			retries.add(new Retry(job, failure));
		}
		this.metrics.job(outcome, Duration.ofNanos(System.nanoTime() - start));
	}

	private void failPermanently(ReceivedMessage message, @Nullable ImageJob job, PermanentFailure failure) {
		try {
			if (job != null && !this.catalog.fail(job, failure.code(), String.valueOf(failure.getMessage()))) {
				log.info("Failure {} ignored: the image is already completed", failure.code());
				return;
			}
			log.warn("Image failed permanently: {} {}", failure.code(), failure.getMessage());
			this.deadLetters.send(message, (job != null) ? job.imageId() : null, failure);
			this.events.publish(ImageEvent.failed(job, failure.code(), String.valueOf(failure.getMessage())));
			this.metrics.image("failed", failure.code());
		}
		catch (RuntimeException ex) {
			throw asTransient(ex);
		}
	}

	private static TransientFailure asTransient(RuntimeException ex) {
		if (ex instanceof TransientFailure transientFailure) {
			return transientFailure;
		}
		if (ex instanceof ProcessingFailure) {
			throw ex;
		}
		return new TransientFailure(ex.getClass().getSimpleName() + ": " + ex.getMessage(), ex);
	}

	private static void inContext(@Nullable ImageJob job, Runnable action) {
		if (job == null) {
			action.run();
			return;
		}
		MDC.put("imageId", job.imageId());
		MDC.put("bucket", job.bucket());
		MDC.put("key", job.key());
		try {
			action.run();
		}
		finally {
			MDC.remove("imageId");
			MDC.remove("bucket");
			MDC.remove("key");
		}
	}

	private record Retry(ImageJob job, TransientFailure failure) {
	}

}
