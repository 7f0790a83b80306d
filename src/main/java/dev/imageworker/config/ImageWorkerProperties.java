package dev.imageworker.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the worker is told from outside, under {@code image-worker.*}.
 *
 * @param queue queue the listener polls (name or URL)
 * @param deadLetterQueue where permanent failures are sent
 * @param sourceBuckets buckets the worker may read; events naming any other bucket are
 * refused
 * @param outputBucket where variants are written
 * @param table DynamoDB table with partition key {@code imageId}
 * @param topic SNS topic name or ARN
 * @param variants variant name (lower-case letters and digits) to its spec, or to a
 * longest side in pixels (fit inside, JPEG); {@code thumb} 256 and {@code medium} 1024
 * when none is configured anywhere
 * @param jpegQuality the JPEG quality of every variant without one of its own, 1 to 100;
 * the older name of {@code formats.jpeg.quality}
 * @param formats each output format's encoder defaults, JPEG's quality taken from
 * {@code jpeg-quality} where only that is set
 * @param cacheControl the {@code Cache-Control} of every output: its key changes with the
 * source version, so it never changes and may be cached for good
 * @param publicBaseUrl where the output bucket is served (a CDN), so that each variant in
 * item and event carries its {@code url}; none by default
 * @param background the colour transparency is flattened onto in JPEG outputs
 * @param limits what the worker refuses to download or decode
 * @param processing concurrency, time limit and retry behaviour
 * @param provision create missing local resources at start-up (local use only)
 * @param engine which render engine turns images into variants: {@code auto} (libvips
 * when {@code libvips.so.42} loads, else the pure-Java engine), {@code java} or
 * {@code vips} (start-up fails when libvips is missing)
 * @param idPattern which file stems count as ids an upload API hands out, so that keys
 * shaped {@code <prefix>/<userId>/<imageId>.<ext>} keep them; any other key gets a
 * name-based UUID of its bucket and key. An id must be one nobody else can guess: a
 * camera's {@code IMG_1234} is not
 * @param maxRecords records one message may name; a message naming more is refused
 * @param operator who may call the operator endpoints
 * @param breaker when an outage of S3, DynamoDB or SNS pauses the worker
 * @param bulkQueue a second queue (name or URL) for reprocessing and backfills, polled
 * only with capacity the live queue leaves free; none by default
 * @param ownerSegment which segment of a source key, counted from 0, names its owner
 * ({@code 1} for {@code <prefix>/<userId>/<file>}): the item's and the event's
 * {@code userId}, and a message naming another owner is refused; none by default, for
 * layouts without an owner segment, where a message's {@code userId} is believed
 */
@ConfigurationProperties("image-worker")
@Validated
public record ImageWorkerProperties(@DefaultValue("image-processing-queue") @NotBlank String queue,
		@DefaultValue("image-processing-dlq") @NotBlank String deadLetterQueue,
		@DefaultValue("image-uploads") @NotEmpty List<@NotBlank String> sourceBuckets,
		@DefaultValue("image-thumbnails") @NotBlank String outputBucket,
		@DefaultValue("image-metadata") @NotBlank String table,
		@DefaultValue("image-processing-events") @NotBlank String topic, Map<String, VariantSpec> variants,
		@Nullable @Min(1) @Max(100) Integer jpegQuality, @DefaultValue @Valid Formats formats,
		@DefaultValue(DEFAULT_CACHE_CONTROL) @NotBlank String cacheControl, @Nullable URI publicBaseUrl,
		@DefaultValue(DEFAULT_BACKGROUND) @Pattern(regexp = "#[0-9a-fA-F]{6}") String background,
		@DefaultValue @Valid Limits limits, @DefaultValue @Valid Processing processing,
		@DefaultValue("false") boolean provision, @DefaultValue("auto") Engine engine,
		@DefaultValue(DEFAULT_ID_PATTERN) @NotBlank String idPattern,
		@DefaultValue("10") @Min(1) @Max(1000) int maxRecords, @DefaultValue @Valid Operator operator,
		@DefaultValue @Valid Breaker breaker, @Nullable String bulkQueue, @Nullable @Min(0) Integer ownerSegment) {

	/**
	 * A UUID, or {@code img_} and at least 16 hex digits: ids an upload API draws at
	 * random, which nobody can guess, unlike a camera's {@code img_1234}.
	 */
	public static final String DEFAULT_ID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|img_[0-9a-fA-F]{16,64}";

	/** Outputs never change under their key, which changes with the source version. */
	public static final String DEFAULT_CACHE_CONTROL = "public, max-age=31536000, immutable";

	static final String DEFAULT_BACKGROUND = "#ffffff";

	private static final Map<String, VariantSpec> DEFAULT_VARIANTS = Map.of("thumb", VariantSpec.ofSize(256), "medium",
			VariantSpec.ofSize(1024));

	public ImageWorkerProperties {
		variants = Collections.unmodifiableSortedMap(
				new TreeMap<>((variants == null || variants.isEmpty()) ? DEFAULT_VARIANTS : variants));
		for (Map.Entry<String, VariantSpec> variant : variants.entrySet()) {
			if (!variant.getKey().matches("[a-z0-9]+")) {
				throw new IllegalArgumentException("image-worker.variants." + variant.getKey()
						+ ": variant names are lower-case letters and digits, so that the environment form "
						+ "(IMAGE_WORKER_VARIANTS_<NAME>_...) names them too");
			}
			variant.getValue().check(variant.getKey(), limits.maxPixels());
		}
		formats = formats.withJpegQuality(jpegQuality);
		if (publicBaseUrl != null && (!publicBaseUrl.isAbsolute() || publicBaseUrl.getHost() == null
				|| !List.of("http", "https").contains(publicBaseUrl.getScheme()))) {
			throw new IllegalArgumentException(
					"image-worker.public-base-url must be an absolute http(s) URL, not " + publicBaseUrl);
		}
	}

	/**
	 * What the variants are rendered with, as the item records it: the encoder settings
	 * of the formats used, each variant's spec, and a background other than white, so
	 * that items rendered otherwise can be found and rendered again. The default set
	 * gives {@code jpeg q85: medium 1024, thumb 256}, as before variant specs existed.
	 */
	public String variantsSpec() {
		String encoders = EnumSet
			.copyOf(this.variants.values().stream().flatMap((spec) -> spec.formats().stream()).toList())
			.stream()
			.map(this::describeEncoder)
			.collect(Collectors.joining(", "));
		String variants = this.variants.entrySet()
			.stream()
			.map((variant) -> variant.getKey() + " " + variant.getValue().describe())
			.collect(Collectors.joining(", "));
		return encoders + ": " + variants
				+ (DEFAULT_BACKGROUND.equalsIgnoreCase(this.background) ? "" : "; background " + this.background);
	}

	private String describeEncoder(OutputFormat format) {
		String quality = format.lossy() ? " q" + this.formats.quality(format) : "";
		String effort = format.hasEffort() ? " e" + this.formats.effort(format) : "";
		return format.id() + quality + effort;
	}

	/** The background as red, green and blue, 0 to 255. */
	public int[] backgroundRgb() {
		int rgb = Integer.parseInt(this.background.substring(1), 16);
		return new int[] { (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF };
	}

	/**
	 * The one operator account of the management port's operator endpoints
	 * ({@code deadletters}, {@code images}), over HTTP Basic. Without a password those
	 * endpoints do not exist.
	 *
	 * @param username the operator's user name
	 * @param password the operator's password: a Spring Security encoded one such as
	 * {@code {bcrypt}$2a$...}, or plain text
	 */
	public record Operator(@DefaultValue("operator") @NotBlank String username, @Nullable String password) {
	}

	/**
	 * The circuit breaker of each downstream (S3, DynamoDB, SNS): while one is open the
	 * worker receives nothing and no transient failure counts against a message.
	 *
	 * @param window calls of a downstream the failure rate is computed over
	 * @param minimumCalls calls before the failure rate counts at all
	 * @param failureRateThreshold percentage of failed calls (5xx, throttling, no
	 * connection) that opens the breaker
	 * @param firstProbe wait before the first probe of an open downstream; doubled after
	 * each failed probe
	 * @param maxProbeInterval longest wait between probes
	 * @param releaseVisibility how long a message in flight stays hidden when an open
	 * breaker releases it
	 */
	public record Breaker(@DefaultValue("20") @Min(1) int window, @DefaultValue("5") @Min(1) int minimumCalls,
			@DefaultValue("50") @DecimalMin("1") @DecimalMax("100") float failureRateThreshold,
			@DefaultValue("5s") @DurationMin(millis = 1) Duration firstProbe,
			@DefaultValue("2m") @DurationMin(millis = 1) Duration maxProbeInterval,
			@DefaultValue("10s") @DurationMin(seconds = 0) Duration releaseVisibility) {

		public Breaker {
			if (maxProbeInterval.compareTo(firstProbe) < 0) {
				throw new IllegalArgumentException("image-worker.breaker.max-probe-interval (" + maxProbeInterval
						+ ") is shorter than image-worker.breaker.first-probe (" + firstProbe + ")");
			}
		}

	}

	/** The render engine choices. */
	public enum Engine {

		AUTO, JAVA, VIPS

	}

	/**
	 * Input limits.
	 *
	 * @param maxBytes largest object downloaded, checked from its size before download
	 * @param maxPixels largest image decoded, checked from its header before decode; an
	 * animation kept in WebP outputs counts every frame it decodes
	 * @param maxFrames frames of an animation kept in WebP outputs: the first ones only
	 * past it
	 */
	public record Limits(@DefaultValue("50MB") DataSize maxBytes, @DefaultValue("100000000") @Positive long maxPixels,
			@DefaultValue("200") @Min(1) @Max(10000) int maxFrames) {

		public Limits {
			if (maxBytes.toBytes() <= 0) {
				throw new IllegalArgumentException("image-worker.limits.max-bytes must be positive, not " + maxBytes);
			}
		}

	}

	/**
	 * Processing behaviour.
	 *
	 * @param concurrency images rendered at once; 0 means one per available processor
	 * @param prefetch messages held beyond those rendering, so that their downloads and
	 * uploads overlap the renders; each holds a source and its variants in memory
	 * @param jobTimeout longest a single image may take before it fails as
	 * {@code PROCESSING_TIMEOUT}
	 * @param maxReceiveCount receives after which a transient failure is final; the
	 * queue's redrive policy, once read, takes precedence
	 * @param retryBackoff visibility timeout after the first transient failure, doubled
	 * on each further receive
	 * @param maxRetryBackoff cap of the doubled backoff
	 * @param visibilityTimeout the visibility timeout a queue is provisioned with
	 * locally, and the one assumed until the queue's own is read; the heartbeat keeps a
	 * message in flight hidden for a full timeout at a time, so a long render is never
	 * taken by a second worker
	 * @param memoryShare share of the maximum heap that decoded images in flight may take
	 * when the engine decodes on the heap (the Java engine); an image that does not fit
	 * waits before decoding until others finish
	 * @param memoryBudget memory that decoded images in flight may take, overriding the
	 * derived budget: {@code memoryShare} of the heap for the Java engine; for a native
	 * engine (libvips), the process's memory limit (the container's, or
	 * {@code -XX:MaxRAM}) minus the maximum heap and {@code memoryReserve}
	 * @param memoryReserve what the process takes besides the heap and the decodes
	 * (metaspace, code cache, symbols, threads, malloc, mapped libraries), held back when
	 * the native budget is derived from the memory limit; the JVM flags of the image
	 * bound most of it, and docs/benchmarks.md shows how it was sized
	 * @param drainTimeout on shutdown, how long in-flight messages may take to finish
	 * before they are released to other workers; fits within
	 * {@code spring.lifecycle.timeout-per-shutdown-phase} and the ECS {@code stopTimeout}
	 * @param bulkQuietPeriod how long no live message must have been in flight before the
	 * bulk queue is polled
	 */
	public record Processing(@DefaultValue("0") @Min(0) int concurrency, @DefaultValue("0") @Min(0) int prefetch,
			@DefaultValue("2m") @DurationMin(seconds = 1) Duration jobTimeout,
			@DefaultValue("3") @Min(1) int maxReceiveCount,
			@DefaultValue("30s") @DurationMin(seconds = 1) Duration retryBackoff,
			@DefaultValue("5m") @DurationMin(seconds = 1) Duration maxRetryBackoff,
			@DefaultValue("60s") @DurationMin(seconds = 1) @DurationMax(hours = 12) Duration visibilityTimeout,
			@DefaultValue("0.5") @DecimalMin("0.05") @DecimalMax("0.9") double memoryShare,
			@Nullable DataSize memoryBudget, @DefaultValue("210MB") DataSize memoryReserve,
			@DefaultValue("100s") @DurationMin(seconds = 0) Duration drainTimeout,
			@DefaultValue("2s") @DurationMin(seconds = 0) Duration bulkQuietPeriod) {

		public Processing {
			if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
				throw new IllegalArgumentException("image-worker.processing.max-retry-backoff (" + maxRetryBackoff
						+ ") is shorter than image-worker.processing.retry-backoff (" + retryBackoff + ")");
			}
			if (memoryBudget != null && memoryBudget.toBytes() <= 0) {
				throw new IllegalArgumentException(
						"image-worker.processing.memory-budget must be positive, not " + memoryBudget);
			}
			if (memoryReserve.isNegative()) {
				throw new IllegalArgumentException(
						"image-worker.processing.memory-reserve must not be negative, not " + memoryReserve);
			}
		}

		public int effectiveConcurrency() {
			return (this.concurrency > 0) ? this.concurrency : Runtime.getRuntime().availableProcessors();
		}

		/**
		 * The messages the listener holds at most: one per render thread and the
		 * prefetched ones.
		 */
		public int messagesInFlight() {
			return effectiveConcurrency() + this.prefetch;
		}

	}

}
