package dev.imageworker.catalog;

/**
 * The attribute names of an image's DynamoDB item, as docs/contracts.md lists them: the
 * catalogue writes them, and operators' tools, reprocessing and the tests read them by
 * these names.
 */
public final class ItemAttributes {

	/** The table's partition key. */
	public static final String IMAGE_ID = "imageId";

	public static final String USER_ID = "userId";

	public static final String SOURCE_BUCKET = "sourceBucket";

	public static final String SOURCE_KEY = "sourceKey";

	public static final String SOURCE_ETAG = "sourceETag";

	/** The source version's {@code Last-Modified}, to the second. */
	public static final String SOURCE_LAST_MODIFIED = "sourceLastModified";

	public static final String SOURCE_BYTES = "sourceBytes";

	/** {@code PROCESSING}, {@code COMPLETED} or {@code FAILED}. */
	public static final String STATUS = "status";

	/** Deliveries that claimed the item. */
	public static final String ATTEMPTS = "attempts";

	public static final String CREATED_AT = "createdAt";

	public static final String UPDATED_AT = "updatedAt";

	/** The source's format, once completed. */
	public static final String FORMAT = "format";

	/** The source's width, once completed. */
	public static final String WIDTH = "width";

	/** The source's height, once completed. */
	public static final String HEIGHT = "height";

	/** The list of stored variants, each a map of the {@code VARIANT_*} attributes. */
	public static final String VARIANTS = "variants";

	public static final String PROCESSING_MILLIS = "processingMillis";

	/** The fingerprint of the variant settings the item was rendered with. */
	public static final String VARIANTS_SPEC = "variantsSpec";

	/** The failure of a FAILED item, a map of the {@code ERROR_*} attributes. */
	public static final String ERROR = "error";

	public static final String FILE_NAME = "fileName";

	public static final String FILE_TYPE = "fileType";

	public static final String UPLOAD_TIMESTAMP = "uploadTimestamp";

	/** The upload's metadata, a map, when it carried any. */
	public static final String METADATA = "metadata";

	/** When the COMPLETED event went out. */
	public static final String ANNOUNCED_AT = "announcedAt";

	public static final String VARIANT_NAME = "name";

	public static final String VARIANT_BUCKET = "bucket";

	public static final String VARIANT_KEY = "key";

	public static final String VARIANT_WIDTH = "width";

	public static final String VARIANT_HEIGHT = "height";

	public static final String VARIANT_BYTES = "bytes";

	public static final String VARIANT_CONTENT_TYPE = "contentType";

	/** {@code jpeg}, {@code png}, {@code webp} or {@code avif}. */
	public static final String VARIANT_FORMAT = "format";

	/** The frames of an animated output; absent for a still one. */
	public static final String VARIANT_FRAMES = "frames";

	/** Where the output is served, with {@code image-worker.public-base-url} set. */
	public static final String VARIANT_URL = "url";

	/**
	 * What a page shows while the image loads, a map of the {@code PLACEHOLDER_*}
	 * attributes.
	 */
	public static final String PLACEHOLDER = "placeholder";

	/** The ThumbHash, in Base64. */
	public static final String PLACEHOLDER_THUMBHASH = "thumbhash";

	/** The most common colour, {@code #rrggbb}. */
	public static final String PLACEHOLDER_DOMINANT_COLOR = "dominantColor";

	/** The failure code, a {@code FailureCode}. */
	public static final String ERROR_CODE = "code";

	public static final String ERROR_MESSAGE = "message";

	private ItemAttributes() {
	}

}
