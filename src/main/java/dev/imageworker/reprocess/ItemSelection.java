package dev.imageworker.reprocess;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.catalog.ItemAttributes;
import dev.imageworker.core.ImageStatus;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Items of the table that match a filter: FAILED with some failure codes, or COMPLETED
 * with other variants than the current ones.
 */
final class ItemSelection implements Selection {

	/** What a job is made of. */
	private static final String JOB_ATTRIBUTES = String.join(", ", ItemAttributes.IMAGE_ID,
			ItemAttributes.SOURCE_BUCKET, ItemAttributes.SOURCE_KEY);

	private final DynamoDbClient dynamo;

	private final String table;

	private final String description;

	private final String filter;

	private final Map<String, String> names;

	private final Map<String, AttributeValue> values;

	private ItemSelection(DynamoDbClient dynamo, String table, String description, String filter,
			Map<String, String> names, Map<String, AttributeValue> values) {
		this.dynamo = dynamo;
		this.table = table;
		this.description = description;
		this.filter = filter;
		this.names = names;
		this.values = values;
	}

	static ItemSelection failed(DynamoDbClient dynamo, String table, java.util.List<String> codes) {
		Map<String, AttributeValue> values = new LinkedHashMap<>();
		values.put(":failed", AttributeValue.fromS(ImageStatus.FAILED.name()));
		StringBuilder in = new StringBuilder();
		for (int i = 0; i < codes.size(); i++) {
			values.put(":code" + i, AttributeValue.fromS(codes.get(i)));
			in.append((i > 0) ? ", " : "").append(":code").append(i);
		}
		Map<String, String> names = Map.of("#status", ItemAttributes.STATUS, "#error", ItemAttributes.ERROR, "#code",
				ItemAttributes.ERROR_CODE);
		return new ItemSelection(dynamo, table, "failed " + String.join(",", codes),
				"#status = :failed AND #error.#code IN (" + in + ")", names, values);
	}

	static ItemSelection outdated(DynamoDbClient dynamo, String table, String variantsSpec) {
		return new ItemSelection(dynamo, table, "outdated " + variantsSpec,
				"#status = :completed AND (attribute_not_exists(#spec) OR #spec <> :spec)",
				Map.of("#status", ItemAttributes.STATUS, "#spec", ItemAttributes.VARIANTS_SPEC),
				Map.of(":completed", AttributeValue.fromS(ImageStatus.COMPLETED.name()), ":spec",
						AttributeValue.fromS(variantsSpec)));
	}

	@Override
	public String describe() {
		return this.description;
	}

	@Override
	public long count() {
		long count = 0;
		Map<String, AttributeValue> start = null;
		do {
			ScanResponse response = this.dynamo.scan(scan(start).select(Select.COUNT).build());
			count += response.count();
			start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
					? response.lastEvaluatedKey() : null;
		}
		while (start != null);
		return count;
	}

	@Override
	public Page page(@Nullable String token) {
		Map<String, AttributeValue> start = (token != null)
				? Map.of(ItemAttributes.IMAGE_ID, AttributeValue.fromS(token)) : null;
		ScanResponse response = this.dynamo.scan(scan(start).projectionExpression(JOB_ATTRIBUTES).build());
		return new Page(response.items().stream().map(ItemSelection::job).toList(),
				(response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty())
						? ImageCatalog.required(response.lastEvaluatedKey(), ItemAttributes.IMAGE_ID).s() : null);
	}

	private ScanRequest.Builder scan(@Nullable Map<String, AttributeValue> start) {
		return ScanRequest.builder()
			.tableName(this.table)
			.filterExpression(this.filter)
			.expressionAttributeNames(this.names)
			.expressionAttributeValues(this.values)
			.exclusiveStartKey(start);
	}

	/**
	 * The item's own id and object, and no owner: the item keeps the one it records
	 * whatever a job says, and a job naming one that the key's owner segment does not
	 * would be refused.
	 */
	private static Map<String, Object> job(Map<String, AttributeValue> item) {
		Map<String, Object> job = new LinkedHashMap<>();
		job.put("bucket", ImageCatalog.required(item, ItemAttributes.SOURCE_BUCKET).s());
		job.put("s3Key", ImageCatalog.required(item, ItemAttributes.SOURCE_KEY).s());
		job.put("imageId", ImageCatalog.required(item, ItemAttributes.IMAGE_ID).s());
		job.put("reprocess", true);
		return job;
	}

}
