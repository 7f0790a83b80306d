package dev.imageworker.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.imageworker.config.ImageWorkerProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The imageId and owner rules. A key shaped {@code <prefix>/<userId>/<imageId>.<ext>}
 * names its image only when the stem looks like an id an upload API hands out
 * ({@code image-worker.id-pattern}); a stem such as {@code photo} is chosen by users, and
 * two users who pick the same one must not share an item. Every other key gets a
 * name-based UUID of {@code bucket/key}, so a duplicate event for the same object maps to
 * the same item.
 * <p>
 * Anyone can compute those UUIDs, so none can be claimed by another object: a stem of
 * their shape is no id, and a message naming one that is not its own object's may only
 * continue an item already recorded under it for that object ({@link ImageJob.HeldId}).
 * Items recorded under the earlier rules (a stem {@code img_1234}, which the default
 * pattern took before it asked for 16 hex digits, or a name-based UUID) keep their ids
 * the same way.
 * <p>
 * With {@code image-worker.owner-segment}, the key's segment at that index (from 0) names
 * the owner, and a message naming another is refused; without it, the middle segment of a
 * conventional key does, and a message's {@code userId} is believed.
 */
@Component
public final class ImageIds {

	/** Every imageId, also the first segment of the output keys. */
	private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");

	/** The shape of {@link UUID#nameUUIDFromBytes}: version 3, any case. */
	private static final Pattern NAME_BASED_UUID = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-3[0-9a-fA-F]{3}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

	/**
	 * The default {@code id-pattern} before it asked for 16 hex digits: the stems it took
	 * are the ids of items recorded then.
	 */
	private static final Pattern EARLIER_DEFAULT = Pattern
		.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|img_[0-9a-fA-F]{1,64}");

	private static final int MAX_USER_ID_LENGTH = 128;

	private final Pattern uploadIds;

	private final @Nullable Integer ownerSegment;

	@Autowired
	public ImageIds(ImageWorkerProperties properties) {
		this(Pattern.compile(properties.idPattern()), properties.ownerSegment());
	}

	public ImageIds(Pattern uploadIds) {
		this(uploadIds, null);
	}

	/**
	 * @param uploadIds which file stems count as upload-API ids
	 * @param ownerSegment the index (from 0) of the key segment that names the owner, or
	 * null where keys have none
	 */
	public ImageIds(Pattern uploadIds, @Nullable Integer ownerSegment) {
		this.uploadIds = uploadIds;
		this.ownerSegment = ownerSegment;
	}

	public String fromKey(String bucket, String key) {
		String stem = stem(key);
		return (stem != null && isUploadId(stem, this.uploadIds)) ? stem : nameBased(bucket, key);
	}

	/**
	 * The owner the key names: its owner segment where one is configured, else the middle
	 * segment of a conventional key; null where it names none.
	 */
	public @Nullable String userIdFromKey(String key) {
		String[] segments = key.split("/", -1);
		int owner;
		if (this.ownerSegment != null) {
			// The last segment is the file's name, never an owner.
			owner = (this.ownerSegment < segments.length - 1) ? this.ownerSegment : -1;
		}
		else {
			owner = (conventionalParts(key) != null) ? 1 : -1;
		}
		return (owner >= 0 && isUserId(segments[owner])) ? segments[owner] : null;
	}

	/**
	 * Whether a message may name this owner for the key: always without an owner segment,
	 * else only the owner the segment names.
	 */
	public boolean mayOwn(String userId, String key) {
		return this.ownerSegment == null || userId.equals(userIdFromKey(key));
	}

	/** The owner segment's index, from 0, where one is configured. */
	public @Nullable Integer ownerSegment() {
		return this.ownerSegment;
	}

	/**
	 * A job whose id and owner follow from the key, as for S3 events; a stem that was an
	 * id under the earlier rules is kept where its item records this object.
	 */
	public ImageJob forObject(String bucket, String key, @Nullable String eTag) {
		String imageId = fromKey(bucket, key);
		String stem = stem(key);
		ImageJob.HeldId earlier = (stem != null && !stem.equals(imageId) && wasUploadId(stem))
				? new ImageJob.HeldId(stem, false) : null;
		return new ImageJob(bucket, key, imageId, userIdFromKey(key), eTag, ImageJob.Upload.NONE, false, earlier);
	}

	/**
	 * A job for the ids a message names, each already valid; without an imageId it is the
	 * key's, without a userId the key's owner. An imageId of the derived ids' shape other
	 * than this object's own is held only where its item records this object.
	 */
	public ImageJob forMessage(String bucket, String key, @Nullable String imageId, @Nullable String userId,
			ImageJob.Upload upload, boolean reprocess) {
		ImageJob derived = forObject(bucket, key, null);
		String owner = (userId != null) ? userId : derived.userId();
		if (imageId == null) {
			return new ImageJob(bucket, key, derived.imageId(), owner, null, upload, reprocess, derived.heldId());
		}
		boolean another = NAME_BASED_UUID.matcher(imageId).matches() && !imageId.equals(nameBased(bucket, key));
		return new ImageJob(bucket, key, imageId, owner, null, upload, reprocess,
				another ? new ImageJob.HeldId(imageId, true) : null);
	}

	public static boolean isImageId(String id) {
		return IMAGE_ID.matcher(id).matches();
	}

	/** Bounded and printable: it lands in items, events and log lines. */
	public static boolean isUserId(String id) {
		return !id.isEmpty() && id.length() <= MAX_USER_ID_LENGTH && id.codePoints().noneMatch(Character::isISOControl);
	}

	private static boolean isUploadId(String stem, Pattern pattern) {
		return isImageId(stem) && pattern.matcher(stem).matches() && !NAME_BASED_UUID.matcher(stem).matches();
	}

	/** Whether the earlier rules took the stem as an id. */
	private boolean wasUploadId(String stem) {
		return isImageId(stem) && (EARLIER_DEFAULT.matcher(stem).matches() || this.uploadIds.matcher(stem).matches());
	}

	private static String nameBased(String bucket, String key) {
		return UUID.nameUUIDFromBytes((bucket + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
	}

	/** The file stem of a conventional key, else null. */
	private static @Nullable String stem(String key) {
		String[] parts = conventionalParts(key);
		return (parts != null) ? parts[1] : null;
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
