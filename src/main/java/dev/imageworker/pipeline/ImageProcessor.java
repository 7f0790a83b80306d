package dev.imageworker.pipeline;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.imageworker.catalog.Claim;
import dev.imageworker.catalog.Completion;
import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.config.OutputFormat;
import dev.imageworker.core.ImageJob;
import dev.imageworker.core.SourceObject;
import dev.imageworker.core.StoredVariant;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.notify.EventPublisher;
import dev.imageworker.notify.ImageEvent;
import dev.imageworker.storage.ImageStore;
import dev.imageworker.storage.SourceDownload;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Component;

/**
 * Takes one image from its source object to COMPLETED: check, claim, download, render,
 * write the variants, record, announce. Failures are thrown for {@link ImagePipeline} to
 * settle.
 * <p>
 * Outputs are written under the source version ({@code <imageId>/<eTag>/<name>.<ext>}): a
 * render of an older version that finishes late writes beside the newer version's
 * objects, never over them, and deletes what it wrote once the catalogue refuses it. A
 * completion deletes the objects of the version it replaces.
 */
@Component
class ImageProcessor {

	private static final Logger log = LoggerFactory.getLogger(ImageProcessor.class);

	private final ImageStore store;

	private final ImageCatalog catalog;

	private final RenderPool renderer;

	private final SourceBudget sources;

	private final MemoryBudget memory;

	private final EventPublisher events;

	private final Set<String> sourceBuckets;

	private final String outputBucket;

	private final long maxBytes;

	private final String cacheControl;

	private final @Nullable String publicBaseUrl;

	private final ObservationRegistry observations;

	private final PipelineMetrics metrics;

	ImageProcessor(ImageStore store, ImageCatalog catalog, RenderPool renderer, SourceBudget sources,
			MemoryBudget memory, EventPublisher events, ObservationRegistry observations, PipelineMetrics metrics,
			ImageWorkerProperties properties) {
		this.store = store;
		this.catalog = catalog;
		this.renderer = renderer;
		this.sources = sources;
		this.memory = memory;
		this.events = events;
		this.sourceBuckets = Set.copyOf(properties.sourceBuckets());
		this.outputBucket = properties.outputBucket();
		this.maxBytes = properties.limits().maxBytes().toBytes();
		this.cacheControl = properties.cacheControl();
		URI base = properties.publicBaseUrl();
		this.publicBaseUrl = (base != null) ? base.toString().replaceAll("/+$", "") : null;
		this.observations = observations;
		this.metrics = metrics;
	}

	Outcome process(ImageJob named, Attempt attempt) {
		long start = System.nanoTime();
		if (!this.sourceBuckets.contains(named.bucket())) {
			throw new PermanentFailure(FailureCode.INVALID_MESSAGE,
					"bucket " + named.bucket() + " is not a configured source bucket");
		}
		ImageJob job = identify(named);
		attempt.identified(job);
		SourceObject source;
		Claim.Claimed claimed;
		Rendering rendering;
		try (SourceDownload download = this.store.open(job.bucket(), job.key())) {
			source = download.source();
			job = job.withObjectMetadata(source.userMetadata());
			attempt.read(source, job);
			switch (this.catalog.claim(job, source, () -> isCurrent(named, source))) {
				case Claim.Announced announced -> {
					log.info("Already completed for ETag {}, not rendering again", source.eTag());
					return Outcome.DUPLICATE;
				}
				case Claim.Unannounced unannounced -> {
					log.info("Already completed for ETag {}, announcing what an earlier delivery did not",
							source.eTag());
					announce(job.withUserId(unannounced.userId()), source, unannounced.variants(),
							unannounced.placeholder(), false);
					return Outcome.DUPLICATE;
				}
				case Claim.Superseded superseded -> {
					log.info("A newer version than ETag {} holds the image, not rendering this one", source.eTag());
					return Outcome.SUPERSEDED;
				}
				case Claim.Claimed claim -> claimed = claim;
			}
			// The item's owner, whoever this job says it is.
			job = job.withUserId(claimed.userId());
			attempt.read(source, job);
			attempt.claimed();
			// Checked after the claim, so the failure of a new version replaces an older
			// completion.
			if (source.bytes() > this.maxBytes) {
				throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
						source.bytes() + " bytes is more than the limit of " + this.maxBytes);
			}
			rendering = render(download, source);
		}
		List<StoredVariant> stored = new ArrayList<>();
		for (Rendering.Output output : rendering.outputs()) {
			String key = outputKey(job, source, output.name(), output.format());
			this.store.put(this.outputBucket, key, output.bytes(), output.format().contentType(), this.cacheControl,
					source.eTag());
			this.metrics.encoded(output);
			stored.add(new StoredVariant(output.name(), this.outputBucket, key, output.width(), output.height(),
					output.bytes().length, output.format().contentType(), output.format().id(), output.frames(),
					(this.publicBaseUrl != null) ? this.publicBaseUrl + "/" + key : null));
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		switch (this.catalog.complete(job, source, claimed, rendering.source(), stored, rendering.placeholder(),
				millis)) {
			case Completion.AlreadyCompleted already -> {
				log.info("Completed meanwhile by another delivery, not announcing again");
				return Outcome.DUPLICATE;
			}
			case Completion.Superseded superseded -> {
				log.info("A newer version claimed the image while ETag {} rendered, deleting its variants",
						source.eTag());
				delete(stored);
				return Outcome.SUPERSEDED;
			}
			case Completion.Recorded recorded -> delete(recorded.replaced());
		}
		announce(job, source, stored, rendering.placeholder(), claimed.reprocessing());
		log.info("Completed {} {}x{} into {} outputs in {} ms", rendering.format(), rendering.width(),
				rendering.height(), stored.size(), millis);
		return Outcome.COMPLETED;
	}

	/**
	 * The job under the id it may only hold (one the earlier rules gave the object, or a
	 * message's in the shape of the derived ids) where an item recorded under that id
	 * describes this object; else under its own id, or, where a message named the held
	 * one, refused.
	 */
	private ImageJob identify(ImageJob job) {
		ImageJob.HeldId held = job.heldId();
		if (held == null) {
			return job;
		}
		if (this.catalog.describes(held.imageId(), job.bucket(), job.key())) {
			MDC.put("imageId", held.imageId());
			return job.withImageId(held.imageId());
		}
		if (held.refusedOtherwise()) {
			throw new PermanentFailure(FailureCode.INVALID_MESSAGE, "imageId " + held.imageId()
					+ " has the shape of the ids the worker derives from a bucket and key, and is not this object's: "
					+ "it may only continue an image already recorded under it for this object");
		}
		return job.withImageId(job.imageId());
	}

	private boolean isCurrent(ImageJob job, SourceObject source) {
		return source.eTag().equals(this.store.currentETag(job.bucket(), job.key()));
	}

	private Rendering render(SourceDownload download, SourceObject source) {
		try (KibPermits.Lease _ = this.sources.hold(source.bytes())) {
			// The GET's own span ends with the response headers; this one reads the
			// bytes.
			byte[] original = Observation.createNotStarted("imageworker.download", this.observations)
				.contextualName("download")
				.observe(download::readAll);
			try (KibPermits.Lease _ = this.memory.admit(original)) {
				return this.renderer.render(original);
			}
		}
	}

	private void announce(ImageJob job, SourceObject source, List<StoredVariant> variants,
			@Nullable Placeholder placeholder, boolean reprocessed) {
		this.events.publish(ImageEvent.completed(job, source.eTag(), variants, placeholder, reprocessed));
		this.catalog.markAnnounced(job, source);
	}

	/**
	 * Deletes variants no item refers to. The item is already right, so a failure here
	 * leaves unreferenced objects behind and is only logged.
	 */
	private void delete(List<StoredVariant> variants) {
		try {
			int failed = this.store.delete(this.outputBucket, variants.stream().map(StoredVariant::key).toList());
			if (failed > 0) {
				log.warn("Could not delete {} of {} unreferenced variants", failed, variants.size());
			}
		}
		catch (RuntimeException ex) {
			log.warn("Could not delete {} unreferenced variants", variants.size(), ex);
		}
	}

	/**
	 * Deterministic per version, so a retry or a duplicate overwrites rather than adds,
	 * and versions never overwrite each other.
	 */
	static String outputKey(ImageJob job, SourceObject source, String name, OutputFormat format) {
		return job.imageId() + "/" + source.eTag() + "/" + name + "." + format.extension();
	}

}
