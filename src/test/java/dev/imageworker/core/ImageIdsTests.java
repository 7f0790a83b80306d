package dev.imageworker.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.imageworker.config.ImageWorkerProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageIdsTests {

	private final ImageIds ids = new ImageIds(Pattern.compile(ImageWorkerProperties.DEFAULT_ID_PATTERN));

	@ParameterizedTest
	@CsvSource({ "uploads/alice/img_1234567890abcdef.jpg, img_1234567890abcdef, alice",
			"u/bob/0b6e2c4e-8a43-4e0e-9d7c-2f1b3b0a9c11.png, 0b6e2c4e-8a43-4e0e-9d7c-2f1b3b0a9c11, bob",
			"in/zoë/img_ABCDEF.webp, img_ABCDEF, zoë" })
	void keysWhoseStemLooksLikeAnUploadApiIdKeepIt(String key, String imageId, String userId) {
		assertThat(this.ids.fromKey("bucket", key)).isEqualTo(imageId);
		assertThat(this.ids.userIdFromKey(key)).isEqualTo(userId);
	}

	@ParameterizedTest
	@CsvSource({ "uploads/alice/photo.jpg, alice", "uploads/mallory/photo.jpg, mallory", "u/bob/IMG_0001.JPG, bob",
			"u/bob/img_xyz.jpg, bob", "u/bob/my.holiday.png, bob", "in/zoë/été 2024+1.jpg, zoë",
			"u/eve/..img_12.jpg, eve" })
	void stemsUsersChooseGetANameBasedUuidSoTwoUsersNeverShareAnItem(String key, String userId) {
		assertThat(this.ids.fromKey("bucket", key)).isEqualTo(uuid("bucket/" + key));
		assertThat(this.ids.userIdFromKey(key)).isEqualTo(userId);
	}

	@Test
	void theSameFileNameOfTwoUsersNamesTwoImages() {
		assertThat(this.ids.fromKey("uploads", "uploads/me/photo.jpg"))
			.isNotEqualTo(this.ids.fromKey("uploads", "uploads/mallory/photo.jpg"));
	}

	@ParameterizedTest
	@CsvSource({ "photo.jpg", "a/photo.jpg", "a/b/c/img_12.jpg", "a/b/img_12", "a/b/.hidden", "a/b/img_12.",
			"/b/img_12.jpg", "a//img_12.jpg" })
	void otherKeysGetANameBasedUuidOfBucketAndKey(String key) {
		assertThat(this.ids.fromKey("bucket", key)).isEqualTo(uuid("bucket/" + key));
		assertThat(this.ids.fromKey("other", key)).isNotEqualTo(uuid("bucket/" + key));
		assertThat(this.ids.userIdFromKey(key)).isNull();
	}

	@Test
	void theIdPatternIsConfigurable() {
		ImageIds numeric = new ImageIds(Pattern.compile("[0-9]{6}"));

		assertThat(numeric.fromKey("b", "p/u/123456.jpg")).isEqualTo("123456");
		assertThat(numeric.fromKey("b", "p/u/img_12.jpg")).isEqualTo(uuid("b/p/u/img_12.jpg"));
	}

	@Test
	void aPatternThatAdmitsAnythingStillYieldsOnlySafeIds() {
		ImageIds anything = new ImageIds(Pattern.compile(".*"));

		assertThat(anything.fromKey("b", "p/u/.. ok.jpg")).isEqualTo(uuid("b/p/u/.. ok.jpg"));
		assertThat(anything.fromKey("b", "p/u/fine-1.jpg")).isEqualTo("fine-1");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "nul\u0000", "line\nbreak", "tab\there" })
	void userSegmentsWithControlCharactersAreNoOwner(String user) {
		assertThat(this.ids.userIdFromKey("p/" + user + "/img_12.jpg")).isNull();
	}

	@Test
	void userIdsAreBounded() {
		assertThat(ImageIds.isUserId("u".repeat(128))).isTrue();
		assertThat(ImageIds.isUserId("u".repeat(129))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "img_1", "a", "A-b_c.9", "-dash" })
	void acceptsIdsOfTheMessageSyntax(String id) {
		assertThat(ImageIds.isImageId(id)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".hidden", "../x", "a/b", "sp ace", "é", "x\n" })
	void refusesIdsOutsideTheMessageSyntax(String id) {
		assertThat(ImageIds.isImageId(id)).isFalse();
	}

	@Test
	void refusesIdsLongerThan128() {
		assertThat(ImageIds.isImageId("a".repeat(128))).isTrue();
		assertThat(ImageIds.isImageId("a".repeat(129))).isFalse();
	}

	private static String uuid(String name) {
		return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
	}

}
