package dev.imageworker.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.core.ImageJob;
import dev.imageworker.core.ImageStatus;
import dev.imageworker.core.SourceImage;
import dev.imageworker.core.SourceObject;
import dev.imageworker.core.StoredVariant;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.Placeholder;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import org.springframework.stereotype.Component;

import static dev.imageworker.catalog.ItemAttributes.ANNOUNCED_AT;
import static dev.imageworker.catalog.ItemAttributes.ATTEMPTS;
import static dev.imageworker.catalog.ItemAttributes.CREATED_AT;
import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.ERROR_MESSAGE;
import static dev.imageworker.catalog.ItemAttributes.FILE_NAME;
import static dev.imageworker.catalog.ItemAttributes.FILE_TYPE;
import static dev.imageworker.catalog.ItemAttributes.FORMAT;
import static dev.imageworker.catalog.ItemAttributes.HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.METADATA;
import static dev.imageworker.catalog.ItemAttributes.PLACEHOLDER;
import static dev.imageworker.catalog.ItemAttributes.PLACEHOLDER_DOMINANT_COLOR;
import static dev.imageworker.catalog.ItemAttributes.PLACEHOLDER_THUMBHASH;
import static dev.imageworker.catalog.ItemAttributes.PROCESSING_MILLIS;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BYTES;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_ETAG;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_KEY;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_LAST_MODIFIED;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;
import static dev.imageworker.catalog.ItemAttributes.UPLOAD_TIMESTAMP;
import static dev.imageworker.catalog.ItemAttributes.USER_ID;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS_SPEC;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BYTES;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_CONTENT_TYPE;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_FORMAT;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_FRAMES;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_KEY;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_NAME;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_URL;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_WIDTH;
import static dev.imageworker.catalog.ItemAttributes.WIDTH;

/**
 * The DynamoDB record of every image. Each transition is a conditional write, so
 * duplicate deliveries and racing workers cannot render a completed source twice or
 * announce it twice, an item only ever describes the one source object (bucket and key)
 * that first claimed its imageId and belongs to the owner that claim named (no later job,
 * a reprocessing request included, changes it), and a version of that object never
 * replaces a newer one's result.
 * <p>
 * Versions are ordered by the object's {@code Last-Modified}, which S3 gives to the
 * second. Two versions written within the same second are told apart by asking S3 which
 * one is current.
 * <p>
 * The SDK client rather than Spring Cloud AWS's {@code DynamoDbTemplate}: every write
 * needs a condition expression and the item it replaced or was refused by.
 */
@Component
public class ImageCatalog {

	private final DynamoDbClient dynamo;

	private final String table;

	private final Clock clock;

	private final String variantsSpec;

	public ImageCatalog(DynamoDbClient dynamo, ImageWorkerProperties properties, Clock clock) {
		this.dynamo = dynamo;
		this.table = properties.table();
		this.clock = clock;
		this.variantsSpec = properties.variantsSpec();
	}

	/**
	 * Marks the image PROCESSING for this source version unless it is already COMPLETED
	 * with the current variants (and the job does not ask to reprocess it) or a newer
	 * version holds it. The first delivery of an image, by far the most common, finds no
	 * item and claims it with a plain conditional put; only a redelivery or a new source
	 * version pays for an update expression.
	 * @param sourceIsCurrent asked only when the item holds another version written in
	 * the same second: whether this version is the object's current one
	 * @return how the claim went; a refused claim tells whether the completion was
	 * announced
	 * @throws PermanentFailure {@code IMAGE_ID_CONFLICT} when another source object holds
	 * the imageId
	 */
	public Claim claim(ImageJob job, SourceObject source, BooleanSupplier sourceIsCurrent) {
		String now = this.clock.instant().toString();
		Map<String, AttributeValue> item = new HashMap<>(key(job));
		item.putAll(describe(job, source, now));
		if (job.userId() != null) {
			item.put(USER_ID, s(job.userId()));
		}
		item.put(STATUS, s(ImageStatus.PROCESSING.name()));
		item.put(ATTEMPTS, n(1));
		item.put(CREATED_AT, s(now));
		item.put(VARIANTS_SPEC, s(this.variantsSpec));
		try {
			this.dynamo.putItem((request) -> request.tableName(this.table)
				.item(item)
				.conditionExpression("attribute_not_exists(#key)")
				.expressionAttributeNames(Map.of("#key", IMAGE_ID))
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
			return new Claim.Claimed(now, 1, false, job.userId());
		}
		catch (ConditionalCheckFailedException ex) {
			// Asked for with the write, so a refusal costs no second read (and the worker
			// needs no right to read items).
			if (!ex.hasItem()) {
				throw new IllegalStateException("DynamoDB refused the claim without returning the item it holds", ex);
			}
			return claimExisting(job, source, ex.item(), sourceIsCurrent, now);
		}
	}

	private Claim claimExisting(ImageJob job, SourceObject source, Map<String, AttributeValue> existing,
			BooleanSupplier sourceIsCurrent, String now) {
		requireSameSource(job, existing);
		if (!job.reprocess() && isCompleted(existing, source.eTag())) {
			return refused(existing);
		}
		if (holdsNewer(existing, source, sourceIsCurrent)) {
			return new Claim.Superseded();
		}
		boolean reprocessing = ImageStatus.COMPLETED.name().equals(text(existing, STATUS))
				&& source.eTag().equals(text(existing, SOURCE_ETAG));
		ItemUpdate update = update(job, source, now).set(STATUS, s(ImageStatus.PROCESSING.name()))
			.set(VARIANTS_SPEC, s(this.variantsSpec))
			.add(ATTEMPTS, 1)
			.remove(ERROR);
		String condition = sameSource(update, job) + " AND "
				+ (job.reprocess() ? "" : "NOT (" + completedFor(update, source.eTag()) + ") AND ")
				+ notNewerThan(update, source);
		try {
			Map<String, AttributeValue> item = this.dynamo
				.updateItem(update.toRequest(this.table, key(job), condition)
					.toBuilder()
					.returnValues(ReturnValue.ALL_NEW)
					.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
					.build())
				.attributes();
			return new Claim.Claimed(required(item, CREATED_AT).s(), Long.parseLong(required(item, ATTEMPTS).n()),
					reprocessing, text(item, USER_ID));
		}
		catch (ConditionalCheckFailedException ex) {
			// Completed, or claimed for a newer version, by a racing delivery since the
			// put was refused.
			Map<String, AttributeValue> racing = ex.hasItem() ? ex.item() : Map.of();
			return isCompleted(racing, source.eTag()) ? refused(racing) : new Claim.Superseded();
		}
	}

	/**
	 * Whether the item holds a version newer than this one: written in a later second, or
	 * in the same second and current in S3 where this one is not.
	 */
	private static boolean holdsNewer(Map<String, AttributeValue> item, SourceObject source,
			BooleanSupplier sourceIsCurrent) {
		String held = text(item, SOURCE_LAST_MODIFIED);
		if (held == null) {
			return false;
		}
		int order = Instant.parse(held).compareTo(seconds(source.lastModified()));
		if (order != 0) {
			return order > 0;
		}
		return !source.eTag().equals(text(item, SOURCE_ETAG)) && !sourceIsCurrent.getAsBoolean();
	}

	/**
	 * Whether the item holds this version COMPLETED with the current variants; an item
	 * that records none predates the record and counts as current.
	 */
	private boolean isCompleted(Map<String, AttributeValue> item, @Nullable String eTag) {
		String spec = text(item, VARIANTS_SPEC);
		return ImageStatus.COMPLETED.name().equals(text(item, STATUS)) && eTag != null
				&& eTag.equals(text(item, SOURCE_ETAG)) && (spec == null || spec.equals(this.variantsSpec));
	}

	private static Claim refused(Map<String, AttributeValue> item) {
		return item.containsKey(ANNOUNCED_AT) ? new Claim.Announced()
				: new Claim.Unannounced(variants(item), text(item, USER_ID), placeholder(item));
	}

	/**
	 * The placeholder of a completed item; none on items completed before there were any.
	 */
	private static @Nullable Placeholder placeholder(Map<String, AttributeValue> item) {
		AttributeValue placeholder = item.get(PLACEHOLDER);
		if (placeholder == null || !placeholder.hasM()) {
			return null;
		}
		return new Placeholder(required(placeholder.m(), PLACEHOLDER_THUMBHASH).s(),
				required(placeholder.m(), PLACEHOLDER_DOMINANT_COLOR).s());
	}

	private static void requireSameSource(ImageJob job, Map<String, AttributeValue> item) {
		if (!isSameSource(job, item)) {
			throw new PermanentFailure(FailureCode.IMAGE_ID_CONFLICT, "imageId " + job.imageId() + " belongs to s3://"
					+ text(item, SOURCE_BUCKET) + "/" + text(item, SOURCE_KEY) + ", not to this object");
		}
	}

	private static boolean isSameSource(ImageJob job, Map<String, AttributeValue> item) {
		return job.bucket().equals(text(item, SOURCE_BUCKET)) && job.key().equals(text(item, SOURCE_KEY));
	}

	/** An attribute the worker always writes: missing, the item was edited by hand. */
	public static AttributeValue required(Map<String, AttributeValue> item, String attribute) {
		AttributeValue value = item.get(attribute);
		if (value == null) {
			throw new IllegalStateException("The item has no " + attribute + ": " + item.keySet());
		}
		return value;
	}

	private static @Nullable String text(Map<String, AttributeValue> item, String attribute) {
		AttributeValue value = item.get(attribute);
		return (value != null) ? value.s() : null;
	}

	/**
	 * Notes that the COMPLETED event went out, so a redelivery that finds the item
	 * completed knows whether it still has to announce it.
	 */
	public void markAnnounced(ImageJob job, SourceObject source) {
		ItemUpdate update = new ItemUpdate().set(ANNOUNCED_AT, s(this.clock.instant().toString()));
		write(job, update, update.name(SOURCE_ETAG) + " = " + update.value(s(source.eTag())));
	}

	/**
	 * Records the rendered variants, if the item is still claimed for this version. The
	 * whole item is known by now, so it is written whole: a conditional put costs the
	 * table less than an update expression. Its owner is the one the claim found.
	 */
	public Completion complete(ImageJob job, SourceObject source, Claim.Claimed claim, SourceImage image,
			List<StoredVariant> variants, Placeholder placeholder, long processingMillis) {
		Map<String, AttributeValue> item = new HashMap<>(key(job));
		item.putAll(describe(job, source, this.clock.instant().toString()));
		if (claim.userId() != null) {
			item.put(USER_ID, s(claim.userId()));
		}
		item.put(STATUS, s(ImageStatus.COMPLETED.name()));
		item.put(FORMAT, s(image.format()));
		item.put(WIDTH, n(image.width()));
		item.put(HEIGHT, n(image.height()));
		item.put(VARIANTS, AttributeValue.fromL(variants.stream().map(ImageCatalog::variant).toList()));
		item.put(PLACEHOLDER, AttributeValue.fromM(Map.of(PLACEHOLDER_THUMBHASH, s(placeholder.thumbhash()),
				PLACEHOLDER_DOMINANT_COLOR, s(placeholder.dominantColor()))));
		item.put(PROCESSING_MILLIS, n(processingMillis));
		item.put(ATTEMPTS, n(claim.attempts()));
		item.put(CREATED_AT, s(claim.createdAt()));
		item.put(VARIANTS_SPEC, s(this.variantsSpec));
		Map<String, AttributeValue> replaced;
		try {
			replaced = this.dynamo
				.putItem((request) -> request.tableName(this.table)
					.item(item)
					.conditionExpression("#sourceBucket = :bucket AND #sourceKey = :key AND #sourceETag = :eTag "
							+ "AND #status <> :completed")
					.expressionAttributeNames(Map.of("#sourceBucket", SOURCE_BUCKET, "#sourceKey", SOURCE_KEY,
							"#sourceETag", SOURCE_ETAG, "#status", STATUS))
					.expressionAttributeValues(Map.of(":bucket", s(job.bucket()), ":key", s(job.key()), ":eTag",
							s(source.eTag()), ":completed", s(ImageStatus.COMPLETED.name())))
					.returnValues(ReturnValue.ALL_OLD)
					.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD))
				.attributes();
		}
		catch (ConditionalCheckFailedException ex) {
			Map<String, AttributeValue> current = ex.hasItem() ? ex.item() : Map.of();
			return isCompleted(current, source.eTag()) ? new Completion.AlreadyCompleted()
					: new Completion.Superseded();
		}
		Set<String> kept = new HashSet<>(variants.stream().map(StoredVariant::key).toList());
		return new Completion.Recorded(
				variants(replaced).stream().filter((variant) -> !kept.contains(variant.key())).toList());
	}

	/**
	 * Records a failure of the version the delivery knows of: the one it claimed, else
	 * the one it read, else the one its event names. A failure after the claim is kept
	 * only while the claim holds; one before it only where the item describes this source
	 * and holds neither this version completed nor a newer one. The variants of the last
	 * completion stay on a FAILED item until a newer version completes.
	 * @param source the version read from S3, or null when the object could not be read
	 * @param claimed whether this delivery claimed the item for that version
	 * @return whether it was recorded, and then the owner the item records
	 */
	public FailureRecord fail(ImageJob job, @Nullable SourceObject source, boolean claimed, FailureCode code,
			String message) {
		ItemUpdate update = update(job, source, this.clock.instant().toString())
			.set(STATUS, s(ImageStatus.FAILED.name()))
			.set(ERROR, AttributeValue.fromM(Map.of(ERROR_CODE, s(code.name()), ERROR_MESSAGE, s(message))));
		String eTag = (source != null) ? source.eTag() : job.eTag();
		String condition;
		if (source != null && claimed) {
			condition = update.name(SOURCE_ETAG) + " = " + update.value(s(source.eTag())) + " AND "
					+ update.name(STATUS) + " <> " + update.value(s(ImageStatus.COMPLETED.name()));
		}
		else {
			condition = (eTag != null) ? "NOT (" + completedFor(update, eTag) + ")" : "";
			if (source != null) {
				condition += " AND " + notNewerThan(update, source);
			}
			else {
				// What is known of the version is only what its event says.
				if (eTag != null) {
					update.set(SOURCE_ETAG, s(eTag));
				}
				else {
					update.remove(SOURCE_ETAG);
				}
				update.remove(SOURCE_BYTES).remove(SOURCE_LAST_MODIFIED);
			}
		}
		String owned = sameSource(update, job) + (condition.isEmpty() ? "" : " AND " + condition);
		try {
			Map<String, AttributeValue> item = this.dynamo
				.updateItem(update
					.toRequest(this.table, key(job),
							"attribute_not_exists(" + update.name(IMAGE_ID) + ") OR (" + owned + ")")
					.toBuilder()
					.returnValues(ReturnValue.ALL_NEW)
					.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
					.build())
				.attributes();
			return new FailureRecord.Recorded(text(item, USER_ID));
		}
		catch (ConditionalCheckFailedException ex) {
			Map<String, AttributeValue> current = ex.hasItem() ? ex.item() : Map.of();
			return isSameSource(job, current) ? new FailureRecord.Outdated() : new FailureRecord.Conflict();
		}
	}

	/**
	 * Whether an item recorded under the id describes this source object. Asked with a
	 * write that is always refused and returns the item it was refused by, so the worker
	 * needs no right to read items, and asked only of ids a job may merely hold
	 * ({@link ImageJob.HeldId}).
	 */
	public boolean describes(String imageId, String bucket, String key) {
		try {
			this.dynamo.updateItem((request) -> request.tableName(this.table)
				.key(Map.of(IMAGE_ID, s(imageId)))
				.updateExpression("REMOVE #unused")
				.conditionExpression("attribute_exists(#key) AND attribute_not_exists(#key)")
				.expressionAttributeNames(Map.of("#key", IMAGE_ID, "#unused", "heldIdProbe"))
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
			throw new IllegalStateException("DynamoDB applied a write whose condition can never hold");
		}
		catch (ConditionalCheckFailedException ex) {
			Map<String, AttributeValue> item = ex.hasItem() ? ex.item() : Map.of();
			return bucket.equals(text(item, SOURCE_BUCKET)) && key.equals(text(item, SOURCE_KEY));
		}
	}

	/** The item of an image, read consistently; for operators, the worker never reads. */
	public Optional<Map<String, AttributeValue>> find(String imageId) {
		var item = this.dynamo
			.getItem((request) -> request.tableName(this.table).key(Map.of(IMAGE_ID, s(imageId))).consistentRead(true))
			.item();
		return (item == null || item.isEmpty()) ? Optional.empty() : Optional.of(item);
	}

	/**
	 * The attributes every write of a job sets; not the owner, which only a write of the
	 * item's first claim sets.
	 */
	private static Map<String, AttributeValue> describe(ImageJob job, @Nullable SourceObject source, String now) {
		Map<String, AttributeValue> attributes = new HashMap<>();
		attributes.put(SOURCE_BUCKET, s(job.bucket()));
		attributes.put(SOURCE_KEY, s(job.key()));
		ImageJob.Upload upload = job.upload();
		if (upload.fileName() != null) {
			attributes.put(FILE_NAME, s(upload.fileName()));
		}
		if (upload.fileType() != null) {
			attributes.put(FILE_TYPE, s(upload.fileType()));
		}
		if (upload.uploadTimestamp() != null) {
			attributes.put(UPLOAD_TIMESTAMP, s(upload.uploadTimestamp()));
		}
		if (!upload.metadata().isEmpty()) {
			Map<String, AttributeValue> metadata = new HashMap<>();
			upload.metadata().forEach((name, value) -> metadata.put(name, s(value)));
			attributes.put(METADATA, AttributeValue.fromM(metadata));
		}
		if (source != null) {
			attributes.put(SOURCE_ETAG, s(source.eTag()));
			attributes.put(SOURCE_BYTES, n(source.bytes()));
			attributes.put(SOURCE_LAST_MODIFIED, s(seconds(source.lastModified()).toString()));
		}
		attributes.put(UPDATED_AT, s(now));
		return attributes;
	}

	/**
	 * Whole seconds, so that every stored instant has the same shape and compares as a
	 * string in conditions.
	 */
	private static Instant seconds(Instant instant) {
		return instant.truncatedTo(ChronoUnit.SECONDS);
	}

	/**
	 * An update of those attributes that keeps the item's first {@code createdAt} and its
	 * owner.
	 */
	private static ItemUpdate update(ImageJob job, @Nullable SourceObject source, String now) {
		ItemUpdate update = new ItemUpdate().setIfAbsent(CREATED_AT, s(now));
		if (job.userId() != null) {
			update.setIfAbsent(USER_ID, s(job.userId()));
		}
		describe(job, source, now).forEach(update::set);
		return update;
	}

	private static String sameSource(ItemUpdate update, ImageJob job) {
		return update.name(SOURCE_BUCKET) + " = " + update.value(s(job.bucket())) + " AND " + update.name(SOURCE_KEY)
				+ " = " + update.value(s(job.key()));
	}

	/** The condition {@link #isCompleted} checks, for DynamoDB to check at the write. */
	private String completedFor(ItemUpdate update, String eTag) {
		String spec = update.name(VARIANTS_SPEC);
		return update.name(STATUS) + " = " + update.value(s(ImageStatus.COMPLETED.name())) + " AND "
				+ update.name(SOURCE_ETAG) + " = " + update.value(s(eTag)) + " AND (attribute_not_exists(" + spec
				+ ") OR " + spec + " = " + update.value(s(this.variantsSpec)) + ")";
	}

	private static String notNewerThan(ItemUpdate update, SourceObject source) {
		String held = update.name(SOURCE_LAST_MODIFIED);
		return "(attribute_not_exists(" + held + ") OR " + held + " <= "
				+ update.value(s(seconds(source.lastModified()).toString())) + ")";
	}

	private boolean write(ImageJob job, ItemUpdate update, String condition) {
		try {
			this.dynamo.updateItem(update.toRequest(this.table, key(job), condition));
			return true;
		}
		catch (ConditionalCheckFailedException ex) {
			return false;
		}
	}

	private static Map<String, AttributeValue> key(ImageJob job) {
		return Map.of(IMAGE_ID, s(job.imageId()));
	}

	private static AttributeValue variant(StoredVariant variant) {
		Map<String, AttributeValue> attributes = new HashMap<>(Map.of(VARIANT_NAME, s(variant.name()), VARIANT_BUCKET,
				s(variant.bucket()), VARIANT_KEY, s(variant.key()), VARIANT_WIDTH, n(variant.width()), VARIANT_HEIGHT,
				n(variant.height()), VARIANT_BYTES, n(variant.bytes()), VARIANT_CONTENT_TYPE, s(variant.contentType()),
				VARIANT_FORMAT, s(variant.format())));
		if (variant.frames() != null) {
			attributes.put(VARIANT_FRAMES, n(variant.frames()));
		}
		if (variant.url() != null) {
			attributes.put(VARIANT_URL, s(variant.url()));
		}
		return AttributeValue.fromM(attributes);
	}

	private static List<StoredVariant> variants(Map<String, AttributeValue> item) {
		AttributeValue variants = item.get(VARIANTS);
		if (variants == null) {
			return List.of();
		}
		return variants.l()
			.stream()
			.map(AttributeValue::m)
			.map((v) -> new StoredVariant(required(v, VARIANT_NAME).s(), required(v, VARIANT_BUCKET).s(),
					required(v, VARIANT_KEY).s(), Integer.parseInt(required(v, VARIANT_WIDTH).n()),
					Integer.parseInt(required(v, VARIANT_HEIGHT).n()), Long.parseLong(required(v, VARIANT_BYTES).n()),
					required(v, VARIANT_CONTENT_TYPE).s(),
					// Items completed before outputs had formats hold JPEGs only.
					v.containsKey(VARIANT_FORMAT) ? v.get(VARIANT_FORMAT).s() : "jpeg",
					v.containsKey(VARIANT_FRAMES) ? Integer.valueOf(v.get(VARIANT_FRAMES).n()) : null,
					v.containsKey(VARIANT_URL) ? v.get(VARIANT_URL).s() : null))
			.toList();
	}

	private static AttributeValue s(String value) {
		return AttributeValue.fromS(value);
	}

	private static AttributeValue n(long value) {
		return AttributeValue.fromN(Long.toString(value));
	}

}
