package dev.imageworker.core;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User metadata, from an upload API's message and from the object's {@code x-amz-meta-*}
 * headers, as the item and the event carry it: keys and values validated, at most
 * {@value #MAX_BYTES} bytes in all, the message's entries before the object's. What does
 * not fit or is invalid is dropped with a WARN: it is untrusted input, and DynamoDB items
 * and SNS events have size limits of their own.
 */
public final class UserMetadata {

	private static final Logger log = LoggerFactory.getLogger(UserMetadata.class);

	/** Keys and values together, in UTF-8. */
	public static final int MAX_BYTES = 2048;

	private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	private static final int MAX_VALUE_LENGTH = 512;

	private UserMetadata() {
	}

	/**
	 * The valid entries of both maps that fit, the first map's first; a key of both keeps
	 * the first map's value.
	 */
	public static Map<String, String> bounded(Map<String, String> first, Map<String, String> second) {
		Map<String, String> kept = new LinkedHashMap<>();
		int bytes = 0;
		int dropped = 0;
		for (Map<String, String> source : java.util.List.of(first, second)) {
			for (Map.Entry<String, String> entry : source.entrySet()) {
				String key = entry.getKey();
				String value = entry.getValue();
				if (kept.containsKey(key)) {
					continue;
				}
				int size = key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
				if (!isValid(key, value) || bytes + size > MAX_BYTES) {
					dropped++;
					continue;
				}
				kept.put(key, value);
				bytes += size;
			}
		}
		if (dropped > 0) {
			log.warn("Dropped {} metadata entries: invalid, or beyond {} bytes in all", dropped, MAX_BYTES);
		}
		return Collections.unmodifiableMap(kept);
	}

	private static boolean isValid(String key, String value) {
		return KEY.matcher(key).matches() && value.length() <= MAX_VALUE_LENGTH
				&& value.codePoints().noneMatch(Character::isISOControl);
	}

}
