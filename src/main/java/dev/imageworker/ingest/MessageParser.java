package dev.imageworker.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.imageworker.config.ImageWorkerProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the four message shapes the worker accepts: an S3 event notification, the same
 * wrapped in an SNS envelope, an EventBridge "Object Created" event, and a direct job.
 * Whatever the queue holds is untrusted: ids and owners a message names are validated,
 * and a message may name at most {@code image-worker.max-records} images.
 */
@Component
public class MessageParser {

	private final ObjectMapper json;

	private final ImageIds ids;

	private final int maxRecords;

	@Autowired
	public MessageParser(ObjectMapper json, ImageIds ids, ImageWorkerProperties properties) {
		this(json, ids, properties.maxRecords());
	}

	MessageParser(ObjectMapper json, ImageIds ids, int maxRecords) {
		this.json = json;
		this.ids = ids;
		this.maxRecords = maxRecords;
	}

	public ParsedMessage parse(String body) {
		JsonNode root;
		try {
			root = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return ParsedMessage.invalid("body is not JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			return ParsedMessage.invalid("body is not a JSON object");
		}
		if ("Notification".equals(text(root, "Type")) && text(root, "Message") != null) {
			return parseUnwrapped(text(root, "Message"));
		}
		return parseObject(root);
	}

	private ParsedMessage parseUnwrapped(String message) {
		try {
			JsonNode inner = this.json.readTree(message);
			return (inner != null && inner.isObject()) ? parseObject(inner)
					: ParsedMessage.invalid("SNS Message is not a JSON object");
		}
		catch (JacksonException ex) {
			return ParsedMessage.invalid("SNS Message is not JSON: " + ex.getOriginalMessage());
		}
	}

	private ParsedMessage parseObject(JsonNode root) {
		if ("s3:TestEvent".equals(text(root, "Event"))) {
			return ParsedMessage.ignored();
		}
		if (root.has("Records")) {
			return parseS3Event(root.get("Records"));
		}
		if (root.has("detail-type")) {
			return parseEventBridge(root);
		}
		if (root.has("s3Key") || root.has("bucket")) {
			return parseDirectJob(root);
		}
		return ParsedMessage.invalid("unknown message shape: expected an S3 event, an SNS envelope, "
				+ "an EventBridge event or a direct job");
	}

	private ParsedMessage parseS3Event(JsonNode records) {
		if (!records.isArray() || records.isEmpty()) {
			return ParsedMessage.invalid("Records is not a non-empty array");
		}
		if (records.size() > this.maxRecords) {
			return ParsedMessage
				.invalid("message names " + records.size() + " records, more than the limit of " + this.maxRecords);
		}
		List<ImageJob> jobs = new ArrayList<>();
		List<ParsedMessage.Rejection> rejections = new ArrayList<>();
		for (JsonNode record : records) {
			String bucket = text(record.path("s3").path("bucket"), "name");
			JsonNode object = record.path("s3").path("object");
			String encodedKey = text(object, "key");
			String eventName = text(record, "eventName");
			ImageJob job = (bucket != null && encodedKey != null)
					? this.ids.forObject(bucket, decodeKey(encodedKey), text(object, "eTag")) : null;
			if (!"aws:s3".equals(text(record, "eventSource"))) {
				rejections.add(new ParsedMessage.Rejection(job, "record is not from aws:s3"));
			}
			else if (eventName == null || !eventName.startsWith("ObjectCreated:")) {
				rejections.add(new ParsedMessage.Rejection(job, "unsupported S3 event " + eventName));
			}
			else if (job == null) {
				rejections.add(new ParsedMessage.Rejection(null, "S3 record without s3.bucket.name or s3.object.key"));
			}
			else {
				jobs.add(job);
			}
		}
		return new ParsedMessage(jobs, rejections);
	}

	private ParsedMessage parseEventBridge(JsonNode root) {
		if (!"Object Created".equals(text(root, "detail-type"))) {
			return ParsedMessage.invalid("unsupported EventBridge detail-type " + text(root, "detail-type"));
		}
		String bucket = text(root.path("detail").path("bucket"), "name");
		JsonNode object = root.path("detail").path("object");
		String key = text(object, "key");
		if (bucket == null || key == null) {
			return ParsedMessage.invalid("EventBridge event without detail.bucket.name or detail.object.key");
		}
		// EventBridge carries the key as stored, unlike S3 notifications, which
		// form-encode it.
		return new ParsedMessage(List.of(this.ids.forObject(bucket, key, text(object, "etag"))), List.of());
	}

	private ParsedMessage parseDirectJob(JsonNode root) {
		String bucket = text(root, "bucket");
		String key = text(root, "s3Key");
		String imageId = text(root, "imageId");
		String userId = text(root, "userId");
		if (bucket == null || key == null || key.isEmpty()) {
			return ParsedMessage.invalid("direct job needs string fields bucket and s3Key");
		}
		if ((root.hasNonNull("imageId") && imageId == null) || (imageId != null && !ImageIds.isImageId(imageId))) {
			return ParsedMessage.invalid("imageId must be 1 to 128 of A-Z a-z 0-9 . _ - and not start with a dot");
		}
		if ((root.hasNonNull("userId") && userId == null) || (userId != null && !ImageIds.isUserId(userId))) {
			return ParsedMessage.invalid("userId must be 1 to 128 characters without control characters");
		}
		ImageJob derived = this.ids.forObject(bucket, key, null);
		return new ParsedMessage(List.of(new ImageJob(bucket, key, (imageId != null) ? imageId : derived.imageId(),
				(userId != null) ? userId : derived.userId(), null)), List.of());
	}

	/** S3 notifications form-encode keys: {@code +} is a space, {@code %2B} a plus. */
	static String decodeKey(String encodedKey) {
		try {
			return URLDecoder.decode(encodedKey, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// A lone '%' cannot be an encoding, so the key was sent as stored.
			return encodedKey;
		}
	}

	private static @Nullable String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

}
