package dev.imageworker.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.imageworker.catalog.Claim;
import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.ingest.ImageJob;
import dev.imageworker.notify.EventPublisher;
import dev.imageworker.notify.ImageEvent;
import dev.imageworker.storage.ImageStore;
import dev.imageworker.storage.SourceDownload;
import dev.imageworker.storage.SourceObject;
import dev.imageworker.storage.StoredVariant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Takes one image from its source object to COMPLETED: check, claim, download, render,
 * write the variants, record, announce. Failures are thrown for {@link ImagePipeline} to
 * settle.
 */
@Component
class ImageProcessor {

	private static final Logger log = LoggerFactory.getLogger(ImageProcessor.class);

	private static final String JPEG = "image/jpeg";

	private final ImageStore store;

	private final ImageCatalog catalog;

	private final RenderPool renderer;

	private final SourceBudget sources;

	private final MemoryBudget memory;

	private final EventPublisher events;

	private final Set<String> sourceBuckets;

	private final String outputBucket;

	private final long maxBytes;

	ImageProcessor(ImageStore store, ImageCatalog catalog, RenderPool renderer, SourceBudget sources,
			MemoryBudget memory, EventPublisher events, ImageWorkerProperties properties) {
		this.store = store;
		this.catalog = catalog;
		this.renderer = renderer;
		this.sources = sources;
		this.memory = memory;
		this.events = events;
		this.sourceBuckets = Set.copyOf(properties.sourceBuckets());
		this.outputBucket = properties.outputBucket();
		this.maxBytes = properties.limits().maxBytes().toBytes();
	}

	/**
	 * @return whether the image was rendered now, rather than found already completed
	 */
	boolean process(ImageJob job) {
		long start = System.nanoTime();
		if (!this.sourceBuckets.contains(job.bucket())) {
			throw new PermanentFailure(FailureCode.INVALID_MESSAGE,
					"bucket " + job.bucket() + " is not a configured source bucket");
		}
		SourceObject source;
		Claim.Claimed claimed;
		Rendering rendering;
		try (SourceDownload download = this.store.open(job.bucket(), job.key())) {
			source = download.source();
			switch (this.catalog.claim(job, source)) {
				case Claim.Announced announced -> {
					log.info("Already completed for ETag {}, not rendering again", source.eTag());
					return false;
				}
				case Claim.Unannounced unannounced -> {
					log.info("Already completed for ETag {}, announcing what an earlier delivery did not",
							source.eTag());
					announce(job, source, unannounced.variants());
					return false;
				}
				case Claim.Claimed claim -> claimed = claim;
			}
			// Checked after the claim, so the failure of a new version replaces an older
			// completion.
			if (source.bytes() > this.maxBytes) {
				throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
						source.bytes() + " bytes is more than the limit of " + this.maxBytes);
			}
			rendering = render(download, source);
		}
		List<StoredVariant> stored = new ArrayList<>();
		for (Rendering.RenderedVariant variant : rendering.variants()) {
			String key = outputKey(job, variant.name());
			this.store.put(this.outputBucket, key, variant.jpeg(), JPEG, source.eTag());
			stored.add(new StoredVariant(variant.name(), this.outputBucket, key, variant.width(), variant.height(),
					variant.jpeg().length, JPEG));
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		if (!this.catalog.complete(job, source, claimed, rendering, stored, millis)) {
			log.info("Completed meanwhile by another delivery, not announcing again");
			return false;
		}
		announce(job, source, stored);
		log.info("Completed {} {}x{} into {} variants in {} ms", rendering.format(), rendering.width(),
				rendering.height(), stored.size(), millis);
		return true;
	}

	private Rendering render(SourceDownload download, SourceObject source) {
		try (KibPermits.Lease _ = this.sources.hold(source.bytes())) {
			byte[] original = download.readAll();
			try (KibPermits.Lease _ = this.memory.admit(original)) {
				return this.renderer.render(original);
			}
		}
	}

	private void announce(ImageJob job, SourceObject source, List<StoredVariant> variants) {
		this.events.publish(ImageEvent.completed(job, variants));
		this.catalog.markAnnounced(job, source);
	}

	/** Deterministic, so a retry or a duplicate overwrites rather than adds. */
	static String outputKey(ImageJob job, String variant) {
		return job.imageId() + "/" + variant + ".jpg";
	}

}
