package dev.imageworker.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.imageworker.catalog.FailureRecord;
import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.core.ImageJob;
import dev.imageworker.core.ParsedMessage;
import dev.imageworker.core.SourceObject;
import dev.imageworker.downstream.DownstreamBreakers;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.ProcessingFailure;
import dev.imageworker.failure.TransientFailure;
import dev.imageworker.notify.EventPublisher;
import dev.imageworker.notify.ImageEvent;
import dev.imageworker.queue.QueueSettings;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Service;

/**
 * Settles one queue message: processes every image it names and decides, in this one
 * place, what each failure means. Permanent failures of an image are recorded on its item
 * and announced at once; transient ones leave the message on the queue with a backoff
 * until the last receive the queue allows, which records them as
 * {@link FailureCode#RETRIES_EXHAUSTED}, unless a downstream's breaker is open: an outage
 * releases the message without counting against it. Once the message is done, it goes to
 * the dead-letter queue once if anything in it failed, with every reason.
 */
@Service
public class ImagePipeline {

	private static final Logger log = LoggerFactory.getLogger(ImagePipeline.class);

	private final ImageProcessor processor;

	private final ImageCatalog catalog;

	private final DeadLetterQueue deadLetters;

	private final EventPublisher events;

	private final PipelineMetrics metrics;

	private final QueueSettings queue;

	private final DownstreamBreakers downstreams;

	private final ObservationRegistry observations;

	private final IntervalFunction retryBackoff;

	ImagePipeline(ImageProcessor processor, ImageCatalog catalog, DeadLetterQueue deadLetters, EventPublisher events,
			PipelineMetrics metrics, QueueSettings queue, DownstreamBreakers downstreams,
			ObservationRegistry observations, ImageWorkerProperties properties) {
		this.processor = processor;
		this.catalog = catalog;
		this.deadLetters = deadLetters;
		this.events = events;
		this.metrics = metrics;
		this.queue = queue;
		this.downstreams = downstreams;
		this.observations = observations;
		this.retryBackoff = retryBackoff(properties.processing());
	}

	public Disposition process(ReceivedMessage message, ParsedMessage parsed) {
		MDC.put("messageId", message.messageId());
		try {
			Disposition disposition = settle(message, parsed);
			this.metrics.message((disposition instanceof Disposition.RetryLater) ? "retried" : "acknowledged");
			return disposition;
		}
		finally {
			MDC.remove("messageId");
		}
	}

	private Disposition settle(ReceivedMessage message, ParsedMessage parsed) {
		if (parsed.isIgnorable()) {
			log.info("Ignoring S3 test event");
			return new Disposition.Acknowledge();
		}
		List<DeadLetterQueue.Failed> failed = new ArrayList<>();
		List<Retry> retries = new ArrayList<>();
		try {
			for (ParsedMessage.Rejection rejection : parsed.rejections()) {
				inContext(rejection.job(), () -> failed.add(refuse(rejection)));
			}
			for (ImageJob job : parsed.jobs()) {
				inContext(job, () -> processOne(job, failed, retries));
			}
			if (!retries.isEmpty()) {
				if (this.downstreams.isOpen()) {
					// An outage, not this message: release it for when the downstream
					// answers, whatever its receive count.
					log.info("Releasing the message: a downstream's breaker is open");
					return new Disposition.RetryLater(this.downstreams.releaseVisibility());
				}
				int maxReceiveCount = this.queue.maxReceiveCount();
				if (message.receiveCount() < maxReceiveCount) {
					return retryLater(message);
				}
				for (Retry retry : retries) {
					PermanentFailure exhausted = new PermanentFailure(FailureCode.RETRIES_EXHAUSTED, "failed on all "
							+ message.receiveCount() + " receives, last: " + retry.failure().getMessage(),
							retry.failure());
					inContext(retry.job(), () -> failImage(retry.attempt(), exhausted, failed));
				}
			}
			if (!failed.isEmpty()) {
				this.deadLetters.send(message, failed);
			}
			return new Disposition.Acknowledge();
		}
		catch (TransientFailure ex) {
			// Recording a failure failed: the queue's redrive policy is the last line of
			// defence.
			log.warn("Could not record a failure, leaving the message for redelivery", ex);
			return retryLater(message);
		}
	}

	/**
	 * The visibility timeouts after a transient failure, by the receive it failed on:
	 * {@code retry-backoff} after the first, doubled on each further receive, at most
	 * {@code max-retry-backoff}.
	 */
	static IntervalFunction retryBackoff(ImageWorkerProperties.Processing settings) {
		return IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2.0, settings.maxRetryBackoff());
	}

	private Disposition retryLater(ReceivedMessage message) {
		return new Disposition.RetryLater(
				Duration.ofMillis(this.retryBackoff.apply(Math.max(1, message.receiveCount()))));
	}

	private DeadLetterQueue.Failed refuse(ParsedMessage.Rejection rejection) {
		PermanentFailure failure = new PermanentFailure(FailureCode.INVALID_MESSAGE, rejection.reason());
		log.warn("Message refused: {} {}", failure.code(), failure.getMessage());
		this.metrics.image("failed", failure.code());
		return new DeadLetterQueue.Failed((rejection.job() != null) ? rejection.job().imageId() : null, failure);
	}

	/**
	 * Processes one image as one observation ({@code imageworker.job}): the timer of a
	 * job by outcome, and the span of the image's trace that its downloads, renders,
	 * writes and events are children of.
	 */
	private void processOne(ImageJob job, List<DeadLetterQueue.Failed> failed, List<Retry> retries) {
		Observation observation = Observation.createNotStarted("imageworker.job", this.observations)
			.contextualName("image")
			.highCardinalityKeyValue("image.id", job.imageId())
			.start();
		Attempt attempt = new Attempt(job);
		String outcome = "retried";
		try (Observation.Scope _ = observation.openScope()) {
			outcome = this.processor.process(job, attempt).tag();
			this.metrics.image(outcome, null);
		}
		catch (PermanentFailure failure) {
			outcome = "failed";
			observation.error(failure);
			try (Observation.Scope _ = observation.openScope()) {
				failImage(attempt, failure, failed);
			}
		}
		catch (RuntimeException ex) {
			TransientFailure failure = asTransient(ex);
			observation.error(failure);
			log.warn("Transient failure: {}", failure.getMessage(), failure);
			this.metrics.image("retried", null);
			retries.add(new Retry(job, attempt, failure));
		}
		finally {
			observation.lowCardinalityKeyValue("outcome", outcome).stop();
		}
	}

	/**
	 * Records and announces the failure of an image, unless it concerns no image of the
	 * worker's own or an outdated version, and notes it for the dead-letter queue.
	 */
	private void failImage(Attempt attempt, PermanentFailure failure, List<DeadLetterQueue.Failed> failed) {
		ImageJob job = attempt.job();
		PermanentFailure recorded = failure;
		try {
			if (failure.code().isOfAnImage()) {
				FailureRecord record = this.catalog.fail(job, attempt.source(), attempt.isClaimed(), failure.code(),
						String.valueOf(failure.getMessage()));
				switch (record) {
					case FailureRecord.Outdated outdated -> {
						log.info("Failure {} not recorded: the image holds this version completed or a newer one",
								failure.code());
						this.metrics.image(Outcome.SUPERSEDED.tag(), null);
						return;
					}
					case FailureRecord.Conflict conflict ->
						recorded = new PermanentFailure(FailureCode.IMAGE_ID_CONFLICT, "imageId " + job.imageId()
								+ " belongs to another source object; " + failure.code() + ": " + failure.getMessage(),
								failure);
					case FailureRecord.Recorded owned ->
						this.events.publish(ImageEvent.failed(job.withUserId(owned.userId()), eTag(attempt),
								failure.code(), String.valueOf(failure.getMessage())));
				}
			}
			log.warn("Image failed permanently: {} {}", recorded.code(), recorded.getMessage());
			failed.add(new DeadLetterQueue.Failed(job.imageId(), recorded));
			this.metrics.image("failed", recorded.code());
		}
		catch (RuntimeException ex) {
			throw asTransient(ex);
		}
	}

	private static @Nullable String eTag(Attempt attempt) {
		SourceObject source = attempt.source();
		return (source != null) ? source.eTag() : attempt.job().eTag();
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

	private record Retry(ImageJob job, Attempt attempt, TransientFailure failure) {
	}

}
