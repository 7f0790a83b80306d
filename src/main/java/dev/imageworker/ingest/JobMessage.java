package dev.imageworker.ingest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.deser.std.StdDeserializer;

/**
 * A direct job, or an upload API's own event (a direct job with {@code bucketName},
 * upload details and metadata), as Jackson binds the body; any other field is ignored.
 * The bucket, key and ids must be JSON strings, never a number or an object coerced into
 * one: they are checked before they are trusted. The upload details are only kept, or
 * dropped, once bound.
 *
 * @param bucket the source bucket
 * @param bucketName the source bucket, as an upload API names it
 * @param s3Key the object key, as stored
 * @param imageId the image's id, where the sender chose it
 * @param userId the owner, where the sender names one
 * @param fileName the name the user uploaded the file under
 * @param fileType the media type the user's client declared
 * @param uploadTimestamp when the upload API took the upload
 * @param metadata the upload's user metadata, an object of scalars
 * @param reprocess render again even what is completed; no by default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record JobMessage(@JsonDeserialize(using = Text.class) @Nullable String bucket,
		@JsonDeserialize(using = Text.class) @Nullable String bucketName,
		@JsonDeserialize(using = Text.class) @Nullable String s3Key,
		@JsonDeserialize(using = Text.class) @Nullable String imageId,
		@JsonDeserialize(using = Text.class) @Nullable String userId, @Nullable String fileName,
		@Nullable String fileType, @Nullable String uploadTimestamp, @Nullable JsonNode metadata,
		@Nullable Boolean reprocess) {

	/** A JSON string and nothing else. */
	static final class Text extends StdDeserializer<String> {

		Text() {
			super(String.class);
		}

		@Override
		public String deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.VALUE_STRING)) {
				return (String) context.handleUnexpectedToken(String.class, parser);
			}
			return parser.getString();
		}

	}

}
