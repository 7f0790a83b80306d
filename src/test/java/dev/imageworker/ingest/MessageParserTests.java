package dev.imageworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.core.ImageIds;
import dev.imageworker.core.ImageJob;
import dev.imageworker.core.ParsedMessage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class MessageParserTests {

	private static final int MAX_RECORDS = 10;

	private static final ImageIds IDS = new ImageIds(Pattern.compile(ImageWorkerProperties.DEFAULT_ID_PATTERN));

	private final MessageParser parser = new MessageParser(JsonMapper.builder().build(), IDS, MAX_RECORDS,
			List.of("uploads", "b"));

	@Test
	void readsAnS3EventWithEveryRecordDecodedKeysAndVersions() {
		ParsedMessage parsed = this.parser.parse(
				s3Event(record("ObjectCreated:Put", "uploads", "uploads/alice/img_a1a1a1a1a1a1a1a1.jpg"), record(
						"ObjectCreated:CompleteMultipartUpload", "uploads", "uploads/bob/%C3%A9t%C3%A9+2024%2B1.jpg")),
				Map.of());

		assertThat(parsed.rejections()).isEmpty();
		assertThat(parsed.jobs()).containsExactly(
				new ImageJob("uploads", "uploads/alice/img_a1a1a1a1a1a1a1a1.jpg", "img_a1a1a1a1a1a1a1a1", "alice", "e",
						ImageJob.Upload.NONE, false),
				new ImageJob("uploads", "uploads/bob/été 2024+1.jpg", uuid("uploads/uploads/bob/été 2024+1.jpg"), "bob",
						"e", ImageJob.Upload.NONE, false));
	}

	@Test
	void decodesAnEncodedSlash() {
		ParsedMessage parsed = this.parser
			.parse(s3Event(record("ObjectCreated:Put", "b", "uploads%2Fcarol%2Fimg_cccccccccccccccc.png")), Map.of());

		assertThat(parsed.jobs()).singleElement().satisfies((job) -> {
			assertThat(job.key()).isEqualTo("uploads/carol/img_cccccccccccccccc.png");
			assertThat(job.imageId()).isEqualTo("img_cccccccccccccccc");
		});
	}

	@Test
	void keepsTheGoodRecordsOfAMessageWithABadOne() {
		ParsedMessage parsed = this.parser
			.parse(s3Event(record("ObjectCreated:Put", "b", "x/y/img_600d600d600d600d.jpg"),
					record("ObjectRemoved:Delete", "b", "x/y/gone.jpg")), Map.of());

		assertThat(parsed.jobs()).extracting(ImageJob::imageId).containsExactly("img_600d600d600d600d");
		assertThat(parsed.rejections()).singleElement().satisfies((rejection) -> {
			assertThat(rejection.reason()).contains("ObjectRemoved:Delete");
			assertThat(rejection.job()).isNotNull();
		});
	}

	@Test
	void ignoresTheS3TestEvent() {
		ParsedMessage parsed = this.parser.parse("""
				{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-23T10:00:00Z","Bucket":"b"}""", Map.of());

		assertThat(parsed.isIgnorable()).isTrue();
	}

	@Test
	void unwrapsAnSnsEnvelope() {
		String inner = s3Event(record("ObjectCreated:Put", "b", "p/u/img_1111111111111111.webp"));
		String envelope = "{\"Type\":\"Notification\",\"MessageId\":\"m\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
				+ "\"Message\":" + JsonMapper.builder().build().writeValueAsString(inner) + "}";

		assertThat(this.parser.parse(envelope, Map.of()).jobs()).containsExactly(new ImageJob("b",
				"p/u/img_1111111111111111.webp", "img_1111111111111111", "u", "e", ImageJob.Upload.NONE, false));
	}

	@Test
	void readsAnEventBridgeObjectCreatedEventWithItsKeyAsStored() {
		ParsedMessage parsed = this.parser.parse("""
				{"version":"0","detail-type":"Object Created","source":"aws.s3",
				 "detail":{"bucket":{"name":"b"},"object":{"key":"p/u/a b+c.jpg","size":10,"etag":"v2"}}}""", Map.of());

		assertThat(parsed.jobs()).containsExactly(
				new ImageJob("b", "p/u/a b+c.jpg", uuid("b/p/u/a b+c.jpg"), "u", "v2", ImageJob.Upload.NONE, false));
	}

	@Test
	void readsADirectJobWithItsOwnImageIdAndUser() {
		ParsedMessage parsed = this.parser.parse("""
				{"bucket":"b","s3Key":"any/where.png","imageId":"img-42","userId":"dave"}""", Map.of());

		assertThat(parsed.jobs())
			.containsExactly(new ImageJob("b", "any/where.png", "img-42", "dave", null, ImageJob.Upload.NONE, false));
	}

	@Test
	void givesADirectJobWithoutImageIdTheDerivedOne() {
		ParsedMessage parsed = this.parser.parse("""
				{"bucket":"b","s3Key":"flat.png"}""", Map.of());

		assertThat(parsed.jobs()).singleElement().extracting(ImageJob::imageId).isEqualTo(uuid("b/flat.png"));
	}

	@Test
	void refusesADirectJobWhoseIdsCannotBeTrusted() {
		List<String> hostile = List.of("{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"imageId\":\"../other-user\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"imageId\":\"a/b\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"imageId\":\"\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"imageId\":42}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"imageId\":\"" + "x".repeat(129) + "\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"userId\":\"eve\\u0000\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"userId\":\"" + "u".repeat(129) + "\"}",
				"{\"bucket\":\"b\",\"s3Key\":\"k.jpg\",\"userId\":[\"a\"]}");

		assertThat(hostile).allSatisfy((body) -> {
			ParsedMessage parsed = this.parser.parse(body, Map.of());
			assertThat(parsed.jobs()).as(body).isEmpty();
			assertThat(parsed.rejections()).as(body).singleElement().satisfies((rejection) -> {
				assertThat(rejection.job()).isNull();
				assertThat(rejection.reason()).containsAnyOf("imageId", "userId");
			});
		});
	}

	@Test
	void readsAnUploadApisOwnMessage() {
		ParsedMessage parsed = this.parser.parse("""
				{"imageId": "img_1234567890abcdef", "userId": "user_1234",
				 "s3Key": "uploads/user_1234/img_1234567890abcdef.jpg", "bucketName": "uploads",
				 "fileName": "vacation.jpg", "fileSize": 2048576, "fileType": "image/jpeg",
				 "uploadTimestamp": "2026-01-01T12:00:00Z",
				 "metadata": {"camera": "iPhone 12", "description": "Beach", "iso": 100, "nested": {"no": 1}}}""",
				Map.of());

		assertThat(parsed.jobs()).containsExactly(new ImageJob("uploads", "uploads/user_1234/img_1234567890abcdef.jpg",
				"img_1234567890abcdef", "user_1234", null, new ImageJob.Upload("vacation.jpg", "image/jpeg",
						"2026-01-01T12:00:00Z", Map.of("camera", "iPhone 12", "description", "Beach", "iso", "100")),
				false));
	}

	@Test
	void takesAnUploadApisIdsFromTheMessageAttributesAndTheBucketFromTheOnlySourceBucket() {
		MessageParser oneBucket = new MessageParser(JsonMapper.builder().build(), IDS, MAX_RECORDS, List.of("only"));
		String body = """
				{"s3Key": "uploads/u/vacation.jpg", "fileName": "vacation.jpg"}""";

		assertThat(oneBucket.parse(body, Map.of("imageId", "img_42", "userId", "user_7")).jobs()).singleElement()
			.satisfies((job) -> {
				assertThat(job.bucket()).isEqualTo("only");
				assertThat(job.imageId()).isEqualTo("img_42");
				assertThat(job.userId()).isEqualTo("user_7");
			});
		assertThat(this.parser.parse(body, Map.of()).rejections()).as("several source buckets: which one?")
			.singleElement()
			.satisfies((rejection) -> assertThat(rejection.reason()).contains("bucketName"));
		assertThat(oneBucket.parse(body, Map.of("imageId", "../x")).rejections()).as("attributes are validated too")
			.singleElement()
			.satisfies((rejection) -> assertThat(rejection.reason()).contains("imageId"));
	}

	@Test
	void keepsOnlyWellFormedUploadDetails() {
		ImageJob job = this.parser.parse("""
				{"bucket": "b", "s3Key": "k.jpg", "fileName": "a\\u0000b.jpg", "fileType": "image/jpeg; x=<script>",
				 "uploadTimestamp": "yesterday", "metadata": {"bad key": "v", "ok": "line\\nbreak", "fine": "yes"}}""",
				Map.of())
			.jobs()
			.getFirst();

		assertThat(job.upload()).isEqualTo(new ImageJob.Upload(null, null, null, Map.of("fine", "yes")));
	}

	@Test
	void refusesAMessageOfMoreRecordsThanTheLimitWhole() {
		String[] records = new String[MAX_RECORDS + 1];
		java.util.Arrays.fill(records, record("ObjectCreated:Put", "b", "p/u/img_1111111111111111.jpg"));

		ParsedMessage parsed = this.parser.parse(s3Event(records), Map.of());

		assertThat(parsed.jobs()).isEmpty();
		assertThat(parsed.rejections()).singleElement()
			.satisfies((rejection) -> assertThat(rejection.reason()).contains("11 records", "limit of 10"));
		assertThat(this.parser.parse(s3Event(java.util.Arrays.copyOf(records, MAX_RECORDS)), Map.of()).jobs())
			.hasSize(MAX_RECORDS);
	}

	@Test
	void rejectsMalformedMessages() {
		List<String> malformed = List.of("not json", "[1,2]", "42", "{}", "{\"hello\":\"world\"}", "{\"Records\":[]}",
				"{\"Records\":\"nope\"}",
				"{\"Records\":[{\"eventSource\":\"aws:sqs\",\"eventName\":\"ObjectCreated:Put\"}]}",
				"{\"Records\":[{\"eventSource\":\"aws:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{}}]}",
				"{\"Type\":\"Notification\",\"Message\":\"not json\"}",
				"{\"detail-type\":\"Object Deleted\",\"detail\":{}}", "{\"detail-type\":\"Object Created\"}",
				"{\"bucket\":\"b\"}", "{\"bucket\":\"b\",\"s3Key\":\"\"}", "{\"bucket\":7,\"s3Key\":\"k\"}");

		assertThat(malformed).allSatisfy((body) -> {
			ParsedMessage parsed = this.parser.parse(body, Map.of());
			assertThat(parsed.jobs()).as(body).isEmpty();
			assertThat(parsed.rejections()).as(body).isNotEmpty();
		});
	}

	@Test
	void ignoresFieldsItDoesNotKnowAndReadsReprocess() {
		ParsedMessage parsed = this.parser.parse("""
				{"bucket":"b","s3Key":"k.jpg","reprocess":true,"priority":{"level":9},"tags":["a"]}""", Map.of());

		assertThat(parsed.rejections()).isEmpty();
		assertThat(parsed.jobs()).singleElement().satisfies((job) -> assertThat(job.reprocess()).isTrue());
	}

	@Test
	void aMessageMayNotClaimTheIdTheWorkerDerivesForAnotherObject() {
		String victors = uuid("b/user-uploads/victor/holiday.jpg");

		ImageJob mallorys = this.parser
			.parse("""
					{"bucket":"b","s3Key":"user-uploads/mallory/x.jpg","imageId":"%s","userId":"mallory"}"""
				.formatted(victors), Map.of())
			.jobs()
			.getFirst();
		ImageJob victorsOwn = this.parser.parse("""
				{"bucket":"b","s3Key":"user-uploads/victor/holiday.jpg","imageId":"%s"}""".formatted(victors), Map.of())
			.jobs()
			.getFirst();

		assertThat(mallorys.heldId()).as("only an item already recorded for her object under it")
			.isEqualTo(new ImageJob.HeldId(victors, true));
		assertThat(victorsOwn.heldId()).isNull();
	}

	@Test
	void withAnOwnerSegmentRefusesAMessageNamingAnotherOwner() {
		MessageParser owned = new MessageParser(JsonMapper.builder().build(),
				new ImageIds(Pattern.compile(ImageWorkerProperties.DEFAULT_ID_PATTERN), 1), MAX_RECORDS, List.of("b"));
		String body = """
				{"bucket":"b","s3Key":"user-uploads/alice/x.jpg","userId":"%s","reprocess":true}""";

		assertThat(owned.parse(body.formatted("mallory"), Map.of()).rejections()).singleElement()
			.satisfies((rejection) -> {
				assertThat(rejection.job()).isNull();
				assertThat(rejection.reason()).contains("mallory", "segment 1");
			});
		assertThat(owned.parse("""
				{"s3Key":"user-uploads/alice/x.jpg"}""", Map.of("userId", "mallory")).rejections()).hasSize(1);
		assertThat(owned.parse(body.formatted("alice"), Map.of()).jobs()).singleElement()
			.extracting(ImageJob::userId)
			.isEqualTo("alice");
		assertThat(owned.parse("""
				{"bucket":"b","s3Key":"user-uploads/alice/x.jpg"}""", Map.of()).jobs()).singleElement()
			.extracting(ImageJob::userId)
			.isEqualTo("alice");
		assertThat(this.parser.parse(body.formatted("mallory"), Map.of()).jobs()).as("no owner segment")
			.singleElement()
			.extracting(ImageJob::userId)
			.isEqualTo("mallory");
	}

	@Test
	void keepsAKeyWhoseLonePercentCannotBeAnEncoding() {
		assertThat(MessageParser.decodeKey("p/u/100%.jpg")).isEqualTo("p/u/100%.jpg");
	}

	private static String uuid(String name) {
		return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
	}

	static String s3Event(String... records) {
		return "{\"Records\":[" + String.join(",", records) + "]}";
	}

	static String record(String eventName, String bucket, String encodedKey) {
		return """
				{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventName":"%s",
				 "s3":{"bucket":{"name":"%s","arn":"arn:aws:s3:::%s"},"object":{"key":"%s","size":1,"eTag":"e"}}}"""
			.formatted(eventName, bucket, bucket, encodedKey);
	}

}
