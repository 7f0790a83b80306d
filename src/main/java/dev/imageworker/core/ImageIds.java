package dev.imageworker.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.imageworker.config.ImageWorkerProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The imageId rule. A key shaped {@code <prefix>/<userId>/<imageId>.<ext>} names its
 * image only when the stem looks like an id an upload API hands out
 * ({@code image-worker.id-pattern}); a stem such as {@code photo} is chosen by users, and
 * two users who pick the same one must not share an item. Every other key gets a
 * name-based UUID of {@code bucket/key}, so a duplicate event for the same object maps to
 * the same item.
 */
@Component
public final class ImageIds {

	/** Every imageId, also the first segment of the output keys. */
	private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

	private static final int MAX_USER_ID_LENGTH = 128;

	private final Pattern uploadIds;

	@Autowired
	public ImageIds(ImageWorkerProperties properties) {
		this(Pattern.compile(properties.idPattern()));
	}

	public ImageIds(Pattern uploadIds) {
		this.uploadIds = uploadIds;
	}

	public String fromKey(String bucket, String key) {
		String[] parts = conventionalParts(key);
		if (parts != null && isImageId(parts[1]) && this.uploadIds.matcher(parts[1]).matches()) {
			return parts[1];
		}
		return UUID.nameUUIDFromBytes((bucket + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
	}

	public @Nullable String userIdFromKey(String key) {
		String[] parts = conventionalParts(key);
		return (parts != null && isUserId(parts[0])) ? parts[0] : null;
	}

	/** A job whose id and owner follow from the key, as for S3 events. */
	public ImageJob forObject(String bucket, String key, @Nullable String eTag) {
		return new ImageJob(bucket, key, fromKey(bucket, key), userIdFromKey(key), eTag, ImageJob.Upload.NONE, false);
	}

	public static boolean isImageId(String id) {
		return IMAGE_ID.matcher(id).matches();
	}

	/** Bounded and printable: it lands in items, events and log lines. */
	public static boolean isUserId(String id) {
		return !id.isEmpty() && id.length() <= MAX_USER_ID_LENGTH && id.codePoints().noneMatch(Character::isISOControl);
	}

	/** {userId, stem} of a conventional key, else null. */
	private static String @Nullable [] conventionalParts(String key) {
		String[] segments = key.split("/", -1);
		if (segments.length != 3 || segments[0].isEmpty() || segments[1].isEmpty()) {
			return null;
		}
		String fileName = segments[2];
		int dot = fileName.lastIndexOf('.');
		if (dot <= 0 || dot == fileName.length() - 1) {
			return null;
		}
		return new String[] { segments[1], fileName.substring(0, dot) };
	}

}
