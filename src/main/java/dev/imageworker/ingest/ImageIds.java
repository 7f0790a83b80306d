package dev.imageworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The imageId rule: keys shaped {@code <prefix>/<userId>/<imageId>.<ext>} name their
 * image; any other key gets a name-based UUID of {@code bucket/key}, so a duplicate event
 * for the same object always maps to the same item.
 */
public final class ImageIds {

	private ImageIds() {
	}

	public static String fromKey(String bucket, String key) {
		String[] parts = conventionalParts(key);
		if (parts != null) {
			return parts[1];
		}
		return UUID.nameUUIDFromBytes((bucket + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
	}

	public static @Nullable String userIdFromKey(String key) {
		String[] parts = conventionalParts(key);
		return (parts != null) ? parts[0] : null;
	}

	/** {userId, imageId} of a conventional key, else null. */
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
