package dev.imageworker;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.QueueCollector;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.WebpChunks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The example variant set end to end, as a front end builds a {@code <picture>} from it:
 * a photo, an animated GIF, a PNG with alpha and a HEIC file become every configured
 * output, each by its magic bytes in its key with its media type and caching, recorded in
 * the item and announced in the event with its real size, format, frames and public URL,
 * and a placeholder.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "image-worker.provision=true", "image-worker.engine=vips", "image-worker.queue=ren-queue",
				"image-worker.dead-letter-queue=ren-dlq", "image-worker.source-buckets=ren-uploads",
				"image-worker.output-bucket=ren-outputs", "image-worker.table=ren-images",
				"image-worker.topic=arn:aws:sns:us-east-1:123456789012:ren-events",
				"image-worker.public-base-url=https://cdn.example.com/", "image-worker.variants.thumb=256",
				"image-worker.variants.avatar.width=128", "image-worker.variants.avatar.height=128",
				"image-worker.variants.avatar.fit=cover", "image-worker.variants.avatar.crop=attention",
				"image-worker.variants.avatar.formats=webp", "image-worker.variants.hero.widths=320,640,1280",
				"image-worker.variants.hero.formats=avif,webp,jpeg", "management.server.port=0" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenditionsIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final Duration PATIENCE = Duration.ofSeconds(90);

	private static final String UPLOADS = "ren-uploads";

	private static final String OUTPUTS = "ren-outputs";

	/** Name, format, extension and media type of every output of the example set. */
	private static final List<List<String>> OUTPUTS_OF_THE_SET = List.of(List.of("thumb", "jpeg", "jpg", "image/jpeg"),
			List.of("avatar", "webp", "webp", "image/webp"), List.of("hero-320w", "avif", "avif", "image/avif"),
			List.of("hero-320w", "webp", "webp", "image/webp"), List.of("hero-320w", "jpeg", "jpg", "image/jpeg"),
			List.of("hero-640w", "avif", "avif", "image/avif"), List.of("hero-640w", "webp", "webp", "image/webp"),
			List.of("hero-640w", "jpeg", "jpg", "image/jpeg"), List.of("hero-1280w", "avif", "avif", "image/avif"),
			List.of("hero-1280w", "webp", "webp", "image/webp"), List.of("hero-1280w", "jpeg", "jpg", "image/jpeg"));

	private final JsonMapper json = JsonMapper.builder().build();

	private final S3Client s3 = aws.s3();

	private final SqsClient sqs = aws.sqs();

	private final DynamoDbClient dynamo = aws.dynamo();

	private QueueCollector events;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@BeforeAll
	void subscribeToEvents() {
		try (SnsClient sns = aws.sns()) {
			this.events = QueueCollector.subscribedTo(this.sqs, sns, "ren-events", "ren-events-subscriber");
		}
	}

	@Test
	void aPhotoBecomesEveryOutputOfTheSetWithItsPlaceholderAndUrls() {
		Rendered photo = render("uploads/ada/beach.jpg", SampleImages.jpeg(2400, 1600));
		assertThat(photo.item().get("format").s()).isEqualTo("JPEG");
		assertThat(photo.size("thumb", "jpeg")).isEqualTo("256x171");
		assertThat(photo.size("avatar", "webp")).isEqualTo("128x128");
		for (String format : List.of("avif", "webp", "jpeg")) {
			assertThat(photo.size("hero-320w", format)).isEqualTo("320x213");
			assertThat(photo.size("hero-640w", format)).isEqualTo("640x427");
			assertThat(photo.size("hero-1280w", format)).isEqualTo("1280x853");
		}
		BufferedImage thumb = SampleImages.decode(photo.bytes("thumb", "jpeg"));
		assertThat(thumb.getWidth()).isEqualTo(256);
		assertThat(photo.variant("thumb", "jpeg")).doesNotContainKey("frames");
	}

	@Test
	void anAnimatedGifStaysAnimatedInWebpAndStillElsewhere() {
		byte[] gif = animatedGif();
		Rendered animation = render("uploads/bob/dance.gif", gif);
		assertThat(animation.item().get("format").s()).isEqualTo("GIF");
		for (String name : List.of("avatar", "hero-320w", "hero-640w", "hero-1280w")) {
			assertThat(animation.variant(name, "webp").get("frames").n()).as(name).isEqualTo("3");
			WebpChunks chunks = WebpChunks.of(animation.bytes(name, "webp"));
			assertThat(chunks.frameDurations()).as(name).containsExactly(100, 200, 300);
		}
		assertThat(animation.size("hero-1280w", "webp")).as("never upscaled").isEqualTo("300x150");
		assertThat(animation.variant("hero-1280w", "avif")).doesNotContainKey("frames");
		assertThat(animation.variant("thumb", "jpeg")).doesNotContainKey("frames");
		JsonNode hero = animation.eventVariant("hero-320w", "webp");
		assertThat(hero.get("frames").asInt()).isEqualTo(3);
		assertThat(animation.eventVariant("hero-320w", "jpeg").has("frames")).isFalse();
	}

	@Test
	void aPngWithAlphaKeepsItInWebpAndAvifAndIsFlattenedOntoWhiteInJpeg() {
		Rendered png = render("uploads/cy/logo.png", SampleImages.png(800, 800, true));
		WebpChunks webp = WebpChunks.of(png.bytes("hero-640w", "webp"));
		assertThat(webp.types()).contains("ALPH");
		assertThat(new String(png.bytes("hero-640w", "avif"), StandardCharsets.ISO_8859_1)).as("an AV1 alpha plane")
			.contains("auxiliary:alpha");
		BufferedImage jpeg = SampleImages.decode(png.bytes("hero-640w", "jpeg"));
		Color corner = new Color(jpeg.getRGB(2, 2));
		assertThat(corner.getRed() + corner.getGreen() + corner.getBlue()).isGreaterThan(3 * 245);
		byte[] hash = Base64.getDecoder().decode(png.item().get("placeholder").m().get("thumbhash").s());
		assertThat(hash[2] & 0x80).as("the ThumbHash's alpha flag").isNotZero();
	}

	@Test
	void aHeicFromAPhoneBecomesEveryOutput() {
		assumeThat(SampleImages.hasImageMagick()).as("ImageMagick (convert) writes the HEIC").isTrue();
		byte[] heic = SampleImages.imageMagick("-size", "1200x900", "plasma:fractal", "-quality", "60", "heic:-");
		Rendered photo = render("uploads/dee/IMG_0001.heic", heic);
		assertThat(photo.item().get("format").s()).isEqualTo("HEIF");
		assertThat(photo.size("hero-640w", "avif")).isEqualTo("640x480");
	}

	/**
	 * Uploads the image, awaits its item and event, and checks what every output shares:
	 * its key, its bytes' format, its object's media type, caching and size, its URL, and
	 * that item and event agree.
	 */
	private Rendered render(String key, byte[] image) {
		String eTag = this.s3.putObject((request) -> request.bucket(UPLOADS).key(key), RequestBody.fromBytes(image))
			.eTag()
			.replace("\"", "");
		String id = UUID.nameUUIDFromBytes((UPLOADS + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
		Map<String, AttributeValue> item = await().atMost(PATIENCE)
			.until(() -> item(id), (found) -> found != null && found.containsKey("announcedAt"));
		assertThat(item.get("status").s()).isEqualTo("COMPLETED");
		Message message = await().atMost(PATIENCE)
			.until(() -> this.events
				.matching((candidate) -> id.equals(readTree(candidate).path("imageId").asString(null))),
					(found) -> !found.isEmpty())
			.getFirst();
		JsonNode event = readTree(message);
		assertThat(event.get("schemaVersion").asInt()).isEqualTo(2);
		List<Map<String, AttributeValue>> variants = item.get("variants").l().stream().map(AttributeValue::m).toList();
		List<List<String>> outputs = new ArrayList<>();
		for (Map<String, AttributeValue> variant : variants) {
			String name = variant.get("name").s();
			String format = variant.get("format").s();
			String extension = format.equals("jpeg") ? "jpg" : format;
			String objectKey = id + "/" + eTag + "/" + name + "." + extension;
			outputs.add(List.of(name, format, extension, variant.get("contentType").s()));
			assertThat(variant.get("key").s()).isEqualTo(objectKey);
			assertThat(variant.get("url").s()).isEqualTo("https://cdn.example.com/" + objectKey);
			ResponseBytes<GetObjectResponse> object = this.s3
				.getObjectAsBytes((request) -> request.bucket(OUTPUTS).key(objectKey));
			assertThat(object.response().contentType()).isEqualTo(variant.get("contentType").s());
			assertThat(object.response().cacheControl()).isEqualTo("public, max-age=31536000, immutable");
			assertThat(Long.toString(object.asByteArray().length)).isEqualTo(variant.get("bytes").n());
			assertThat(magic(object.asByteArray())).as(objectKey).isEqualTo(format);
		}
		assertThat(outputs).containsExactlyInAnyOrderElementsOf(OUTPUTS_OF_THE_SET);
		Map<String, AttributeValue> placeholder = item.get("placeholder").m();
		assertThat(placeholder.get("dominantColor").s()).matches("#[0-9a-f]{6}");
		assertThat(Base64.getDecoder().decode(placeholder.get("thumbhash").s())).hasSizeGreaterThanOrEqualTo(5);
		assertThat(event.get("placeholder").get("thumbhash").asString()).isEqualTo(placeholder.get("thumbhash").s());
		assertThat(event.get("placeholder").get("dominantColor").asString())
			.isEqualTo(placeholder.get("dominantColor").s());
		assertThat(event.get("variants")).hasSize(variants.size());
		for (JsonNode announced : event.get("variants")) {
			Map<String, AttributeValue> recorded = variants.stream()
				.filter((variant) -> variant.get("key").s().equals(announced.get("key").asString()))
				.findFirst()
				.orElseThrow();
			assertThat(announced.get("format").asString()).isEqualTo(recorded.get("format").s());
			assertThat(announced.get("width").asInt()).isEqualTo(Integer.parseInt(recorded.get("width").n()));
			assertThat(announced.get("url").asString()).isEqualTo(recorded.get("url").s());
		}
		return new Rendered(item, event, this.s3);
	}

	/** The format a file's magic bytes name. */
	private static String magic(byte[] data) {
		if ((data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8) {
			return "jpeg";
		}
		if ((data[0] & 0xFF) == 0x89 && data[1] == 'P') {
			return "png";
		}
		String riff = new String(data, 0, 12, StandardCharsets.US_ASCII);
		if (riff.startsWith("RIFF") && riff.endsWith("WEBP")) {
			return "webp";
		}
		if (riff.substring(4).equals("ftypavif")) {
			return "avif";
		}
		return "unknown";
	}

	private JsonNode readTree(Message message) {
		return this.json.readTree(message.body());
	}

	private Map<String, AttributeValue> item(String imageId) {
		return this.dynamo
			.getItem((request) -> request.tableName("ren-images")
				.key(Map.of("imageId", AttributeValue.fromS(imageId)))
				.consistentRead(true))
			.item();
	}

	/** What one upload became. */
	private record Rendered(Map<String, AttributeValue> item, JsonNode event, S3Client s3) {

		Map<String, AttributeValue> variant(String name, String format) {
			return this.item.get("variants")
				.l()
				.stream()
				.map(AttributeValue::m)
				.filter((variant) -> variant.get("name").s().equals(name) && variant.get("format").s().equals(format))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no " + format + " " + name));
		}

		JsonNode eventVariant(String name, String format) {
			for (JsonNode variant : this.event.get("variants")) {
				if (variant.get("name").asString().equals(name) && variant.get("format").asString().equals(format)) {
					return variant;
				}
			}
			throw new AssertionError("no " + format + " " + name + " in the event");
		}

		String size(String name, String format) {
			Map<String, AttributeValue> variant = variant(name, format);
			return variant.get("width").n() + "x" + variant.get("height").n();
		}

		byte[] bytes(String name, String format) {
			return this.s3
				.getObjectAsBytes((request) -> request.bucket(OUTPUTS).key(variant(name, format).get("key").s()))
				.asByteArray();
		}

	}

	/** Three frames of 300x150, shown 100, 200 and 300 ms. */
	private static byte[] animatedGif() {
		assumeThat(SampleImages.hasImageMagick()).as("ImageMagick (convert) writes the animated GIF").isTrue();
		return SampleImages.imageMagick("-size", "300x150", "-delay", "10", "xc:rgb(200,30,30)", "-delay", "20",
				"xc:rgb(30,160,60)", "-delay", "30", "xc:rgb(40,60,200)", "-loop", "0", "gif:-");
	}

}
