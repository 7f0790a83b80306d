package dev.imageworker.catalog;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.ingest.ImageJob;
import dev.imageworker.storage.SourceObject;
import dev.imageworker.storage.StoredVariant;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import org.springframework.stereotype.Component;

/**
 * The DynamoDB record of every image. Each transition is a conditional write, so
 * duplicate deliveries and racing workers cannot render a completed source twice or
 * announce it twice.
 */
@Component
public class ImageCatalog {

	private static final String KEY = "imageId";

	private static final String ANNOUNCED_AT = "announcedAt";

	private final DynamoDbClient dynamo;

	private final String table;

	private final Clock clock;

	public ImageCatalog(DynamoDbClient dynamo, ImageWorkerProperties properties, Clock clock) {
		this.dynamo = dynamo;
		this.table = properties.table();
		this.clock = clock;
	}

	/**
	 * Marks the image PROCESSING unless this very source version is already COMPLETED.
	 * The first delivery of an image, by far the most common, finds no item and claims it
	 * with a plain conditional put; only a redelivery or a new source version pays for an
	 * update expression.
	 * @return how the claim went; a refused claim tells whether the completion was
	 * announced
	 */
	public Claim claim(ImageJob job, SourceObject source) {
		String now = this.clock.instant().toString();
		Map<String, AttributeValue> item = new HashMap<>(key(job));
		item.putAll(describe(job, source, now));
		item.put("status", s(ImageStatus.PROCESSING.name()));
		item.put("attempts", n(1));
		item.put("createdAt", s(now));
		Map<String, AttributeValue> existing;
		try {
			this.dynamo.putItem((request) -> request.tableName(this.table)
				.item(item)
				.conditionExpression("attribute_not_exists(#key)")
				.expressionAttributeNames(Map.of("#key", KEY))
				.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
			return new Claim.Claimed(now, 1);
		}
		catch (ConditionalCheckFailedException ex) {
			// Asked for with the write, so a refusal costs no second read.
			existing = ex.hasItem() ? ex.item() : find(job.imageId()).orElseThrow();
		}
		return isCompleted(existing, source) ? refused(existing) : reclaim(job, source, now);
	}

	private Claim reclaim(ImageJob job, SourceObject source, String now) {
		ItemUpdate update = update(job, source, now).set("status", s(ImageStatus.PROCESSING.name()))
			.add("attempts", 1)
			.remove("error");
		try {
			Map<String, AttributeValue> item = this.dynamo
				.updateItem(update.toRequest(this.table, key(job), notCompletedFor(update, source.eTag()))
					.toBuilder()
					.returnValues(ReturnValue.ALL_NEW)
					.returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
					.build())
				.attributes();
			return new Claim.Claimed(item.get("createdAt").s(), Long.parseLong(item.get("attempts").n()));
		}
		catch (ConditionalCheckFailedException ex) {
			// Completed by a racing delivery since the put was refused.
			return refused(ex.hasItem() ? ex.item() : find(job.imageId()).orElseThrow());
		}
	}

	private static boolean isCompleted(Map<String, AttributeValue> item, SourceObject source) {
		return ImageStatus.COMPLETED.name().equals(text(item, "status"))
				&& source.eTag().equals(text(item, "sourceETag"));
	}

	private static Claim refused(Map<String, AttributeValue> item) {
		return item.containsKey(ANNOUNCED_AT) ? new Claim.Announced() : new Claim.Unannounced(variants(item));
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
		write(job, update, update.name("sourceETag") + " = " + update.value(s(source.eTag())));
	}

	/**
	 * Records the rendered variants. The whole item is known by now, so it is written
	 * whole: a conditional put costs the table less than an update expression.
	 * @return false when the item was completed meanwhile or claimed for a newer source
	 * version
	 */
	public boolean complete(ImageJob job, SourceObject source, Claim.Claimed claim, Rendering rendering,
			List<StoredVariant> variants, long processingMillis) {
		Map<String, AttributeValue> item = new HashMap<>(key(job));
		item.putAll(describe(job, source, this.clock.instant().toString()));
		item.put("status", s(ImageStatus.COMPLETED.name()));
		item.put("format", s(rendering.format().name()));
		item.put("width", n(rendering.width()));
		item.put("height", n(rendering.height()));
		item.put("variants", AttributeValue.fromL(variants.stream().map(ImageCatalog::variant).toList()));
		item.put("processingMillis", n(processingMillis));
		item.put("attempts", n(claim.attempts()));
		item.put("createdAt", s(claim.createdAt()));
		try {
			this.dynamo.putItem((request) -> request.tableName(this.table)
				.item(item)
				.conditionExpression("#sourceETag = :eTag AND #status <> :completed")
				.expressionAttributeNames(Map.of("#sourceETag", "sourceETag", "#status", "status"))
				.expressionAttributeValues(
						Map.of(":eTag", s(source.eTag()), ":completed", s(ImageStatus.COMPLETED.name()))));
			return true;
		}
		catch (ConditionalCheckFailedException ex) {
			return false;
		}
	}

	/**
	 * Records a failure, unless the item already holds a completed rendering. A failure
	 * of a new source version finds its item claimed (PROCESSING), so only stale failures
	 * are dropped.
	 * @return false when a completed rendering was kept
	 */
	public boolean fail(ImageJob job, FailureCode code, String message) {
		ItemUpdate update = update(job, null, this.clock.instant().toString())
			.set("status", s(ImageStatus.FAILED.name()))
			.set("error", AttributeValue.fromM(Map.of("code", s(code.name()), "message", s(message))));
		String condition = "attribute_not_exists(" + update.name(KEY) + ") OR " + update.name("status") + " <> "
				+ update.value(s(ImageStatus.COMPLETED.name()));
		return write(job, update, condition);
	}

	public Optional<Map<String, AttributeValue>> find(String imageId) {
		var item = this.dynamo
			.getItem((request) -> request.tableName(this.table).key(Map.of(KEY, s(imageId))).consistentRead(true))
			.item();
		return (item == null || item.isEmpty()) ? Optional.empty() : Optional.of(item);
	}

	/** The attributes every write of a job sets. */
	private static Map<String, AttributeValue> describe(ImageJob job, @Nullable SourceObject source, String now) {
		Map<String, AttributeValue> attributes = new HashMap<>();
		attributes.put("sourceBucket", s(job.bucket()));
		attributes.put("sourceKey", s(job.key()));
		if (job.userId() != null) {
			attributes.put("userId", s(job.userId()));
		}
		if (source != null) {
			attributes.put("sourceETag", s(source.eTag()));
			attributes.put("sourceBytes", n(source.bytes()));
		}
		attributes.put("updatedAt", s(now));
		return attributes;
	}

	/** An update of those attributes that keeps the item's first {@code createdAt}. */
	private static ItemUpdate update(ImageJob job, @Nullable SourceObject source, String now) {
		ItemUpdate update = new ItemUpdate().setIfAbsent("createdAt", s(now));
		describe(job, source, now).forEach(update::set);
		return update;
	}

	private static String notCompletedFor(ItemUpdate update, String eTag) {
		return "attribute_not_exists(" + update.name(KEY) + ") OR " + update.name("status") + " <> "
				+ update.value(s(ImageStatus.COMPLETED.name())) + " OR " + update.name("sourceETag") + " <> "
				+ update.value(s(eTag));
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
		return Map.of(KEY, s(job.imageId()));
	}

	private static AttributeValue variant(StoredVariant variant) {
		return AttributeValue.fromM(Map.of("name", s(variant.name()), "bucket", s(variant.bucket()), "key",
				s(variant.key()), "width", n(variant.width()), "height", n(variant.height()), "bytes",
				n(variant.bytes()), "contentType", s(variant.contentType())));
	}

	private static List<StoredVariant> variants(Map<String, AttributeValue> item) {
		return item.get("variants")
			.l()
			.stream()
			.map(AttributeValue::m)
			.map((v) -> new StoredVariant(v.get("name").s(), v.get("bucket").s(), v.get("key").s(),
					Integer.parseInt(v.get("width").n()), Integer.parseInt(v.get("height").n()),
					Long.parseLong(v.get("bytes").n()), v.get("contentType").s()))
			.toList();
	}

	private static AttributeValue s(String value) {
		return AttributeValue.fromS(value);
	}

	private static AttributeValue n(long value) {
		return AttributeValue.fromN(Long.toString(value));
	}

}
