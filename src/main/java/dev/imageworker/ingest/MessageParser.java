package dev.imageworker.ingest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.core.ImageIds;
import dev.imageworker.core.ImageJob;
import dev.imageworker.core.ParsedMessage;
import dev.imageworker.core.UserMetadata;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Reads the five message shapes the worker accepts: an S3 event notification, the same
 * wrapped in an SNS envelope, an EventBridge "Object Created" event, a direct job, and an
 * upload API's own event (a direct job with {@code bucketName}, upload details and
 * metadata, its ids possibly only in message attributes), the last two bound as a
 * {@link JobMessage}. Whatever the queue holds is untrusted: ids and owners a message
 * names are validated (an owner against the key's owner segment, where one is
 * configured), upload details and metadata bounded, and a message may name at most
 * {@code image-worker.max-records} images.
 */
@Component
class MessageParser {

	private static final Pattern MEDIA_TYPE = Pattern.compile("[A-Za-z0-9][\\w.+-]{0,62}/[A-Za-z0-9][\\w.+-]{0,62}");

	private final ObjectMapper json;

	private final ImageIds ids;

	private final int maxRecords;

	private final List<String> sourceBuckets;

	@Autowired
	MessageParser(ObjectMapper json, ImageIds ids, ImageWorkerProperties properties) {
		this(json, ids, properties.maxRecords(), properties.sourceBuckets());
	}

	MessageParser(ObjectMapper json, ImageIds ids, int maxRecords, List<String> sourceBuckets) {
		this.json = json;
		this.ids = ids;
		this.maxRecords = maxRecords;
		this.sourceBuckets = List.copyOf(sourceBuckets);
	}

	/**
	 * @param body the message body
	 * @param attributes the message's string attributes, where an upload API may put
	 * {@code imageId} and {@code userId}
	 */
	ParsedMessage parse(String body, Map<String, String> attributes) {
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
		String notification = text(root, "Message");
		if ("Notification".equals(text(root, "Type")) && notification != null) {
			return parseUnwrapped(notification, attributes);
		}
		return parseObject(root, attributes);
	}

	private ParsedMessage parseUnwrapped(String message, Map<String, String> attributes) {
		try {
			JsonNode inner = this.json.readTree(message);
			return (inner != null && inner.isObject()) ? parseObject(inner, attributes)
					: ParsedMessage.invalid("SNS Message is not a JSON object");
		}
		catch (JacksonException ex) {
			return ParsedMessage.invalid("SNS Message is not JSON: " + ex.getOriginalMessage());
		}
	}

	private ParsedMessage parseObject(JsonNode root, Map<String, String> attributes) {
		if ("s3:TestEvent".equals(text(root, "Event"))) {
			return ParsedMessage.ignored();
		}
		if (root.has("Records")) {
			return parseS3Event(root.get("Records"));
		}
		if (root.has("detail-type")) {
			return parseEventBridge(root);
		}
		if (root.has("s3Key") || root.has("bucket") || root.has("bucketName")) {
			return parseDirectJob(root, attributes);
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

	private ParsedMessage parseDirectJob(JsonNode root, Map<String, String> attributes) {
		JobMessage message;
		try {
			message = this.json.treeToValue(root, JobMessage.class);
		}
		catch (JacksonException ex) {
			return ParsedMessage.invalid("a direct job's " + field(ex) + " is malformed: " + ex.getOriginalMessage());
		}
		String key = message.s3Key();
		String bucket = (message.bucket() != null) ? message.bucket() : message.bucketName();
		if (bucket == null && this.sourceBuckets.size() == 1) {
			bucket = this.sourceBuckets.getFirst();
		}
		if (bucket == null || key == null || key.isEmpty()) {
			return ParsedMessage.invalid("a direct job needs a string s3Key, and a string bucket or bucketName "
					+ "where more than one source bucket is configured");
		}
		String imageId = (message.imageId() != null) ? message.imageId() : attributes.get("imageId");
		String userId = (message.userId() != null) ? message.userId() : attributes.get("userId");
		if (imageId != null && !ImageIds.isImageId(imageId)) {
			return ParsedMessage.invalid("imageId must be 1 to 128 of A-Z a-z 0-9 . _ - and not start with a dot");
		}
		if (userId != null && !ImageIds.isUserId(userId)) {
			return ParsedMessage.invalid("userId must be 1 to 128 characters without control characters");
		}
		if (userId != null && !this.ids.mayOwn(userId, key)) {
			return ParsedMessage.invalid("userId " + userId + " is not the owner that segment "
					+ this.ids.ownerSegment() + " of the key " + key + " names");
		}
		return new ParsedMessage(List.of(this.ids.forMessage(bucket, key, imageId, userId, upload(message),
				Boolean.TRUE.equals(message.reprocess()))), List.of());
	}

	/** The field a binding failure is about, as the message named it. */
	private static String field(JacksonException ex) {
		return ex.getPath()
			.stream()
			.map(JacksonException.Reference::getPropertyName)
			.filter(Objects::nonNull)
			.reduce((outer, inner) -> outer + "." + inner)
			.orElse("body");
	}

	/** The upload details an upload API sends, each kept only when well formed. */
	private static ImageJob.Upload upload(JobMessage message) {
		String fileName = message.fileName();
		String fileType = message.fileType();
		String uploadTimestamp = message.uploadTimestamp();
		JsonNode given = message.metadata();
		Map<String, String> metadata = new LinkedHashMap<>();
		if (given != null) {
			given.properties().forEach((entry) -> {
				JsonNode value = entry.getValue();
				if (value.isString() || value.isNumber() || value.isBoolean()) {
					metadata.put(entry.getKey(), value.asString());
				}
			});
		}
		return new ImageJob.Upload(
				(fileName != null && fileName.length() <= 255 && isPrintable(fileName)) ? fileName : null,
				(fileType != null && MEDIA_TYPE.matcher(fileType).matches()) ? fileType : null,
				(uploadTimestamp != null && isInstant(uploadTimestamp)) ? uploadTimestamp : null,
				UserMetadata.bounded(metadata, Map.of()));
	}

	private static boolean isPrintable(String text) {
		return text.codePoints().noneMatch(Character::isISOControl);
	}

	private static boolean isInstant(String text) {
		try {
			Instant.parse(text);
			return true;
		}
		catch (DateTimeParseException ex) {
			return false;
		}
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
