package dev.imageworker.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.stereotype.Component;

/**
 * Reads the four message shapes the worker accepts: an S3 event notification, the same
 * wrapped in an SNS envelope, an EventBridge "Object Created" event, and a direct job.
 */
@Component
public class MessageParser {

	private final ObjectMapper json;

	public MessageParser(ObjectMapper json) {
		this.json = json;
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
		List<ImageJob> jobs = new ArrayList<>();
		List<ParsedMessage.Rejection> rejections = new ArrayList<>();
		for (JsonNode record : records) {
			String bucket = text(record.path("s3").path("bucket"), "name");
			String encodedKey = text(record.path("s3").path("object"), "key");
			String eventName = text(record, "eventName");
			ImageJob job = (bucket != null && encodedKey != null) ? ImageJob.forObject(bucket, decodeKey(encodedKey))
					: null;
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
		String key = text(root.path("detail").path("object"), "key");
		if (bucket == null || key == null) {
			return ParsedMessage.invalid("EventBridge event without detail.bucket.name or detail.object.key");
		}
		// EventBridge carries the key as stored, unlike S3 notifications, which
		// form-encode it.
		return new ParsedMessage(List.of(ImageJob.forObject(bucket, key)), List.of());
	}

	private ParsedMessage parseDirectJob(JsonNode root) {
		String bucket = text(root, "bucket");
		String key = text(root, "s3Key");
		String imageId = text(root, "imageId");
		String userId = text(root, "userId");
		if (bucket == null || key == null || key.isEmpty()) {
			return ParsedMessage.invalid("direct job needs string fields bucket and s3Key");
		}
		if (imageId == null || imageId.isBlank()) {
			ImageJob derived = ImageJob.forObject(bucket, key);
			imageId = derived.imageId();
			userId = (userId != null) ? userId : derived.userId();
		}
		return new ParsedMessage(List.of(new ImageJob(bucket, key, imageId, userId)), List.of());
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
