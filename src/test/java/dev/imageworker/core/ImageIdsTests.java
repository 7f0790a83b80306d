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
			"in/zoë/img_ABCDEF0123456789.webp, img_ABCDEF0123456789, zoë" })
	void keysWhoseStemLooksLikeAnUploadApiIdKeepIt(String key, String imageId, String userId) {
		assertThat(this.ids.fromKey("bucket", key)).isEqualTo(imageId);
		assertThat(this.ids.userIdFromKey(key)).isEqualTo(userId);
	}

	@ParameterizedTest
	@CsvSource({ "uploads/alice/photo.jpg, alice", "uploads/mallory/photo.jpg, mallory", "u/bob/IMG_0001.JPG, bob",
			"u/bob/img_xyz.jpg, bob", "u/bob/my.holiday.png, bob", "in/zoë/été 2024+1.jpg, zoë",
			"u/eve/..img_12.jpg, eve", "u/carol/img_1234.jpg, carol", "u/carol/IMG_1234.jpg, carol",
			"u/carol/DSC_0001.jpg, carol", "u/carol/PXL_20240101_123456789.jpg, carol",
			"u/carol/img_0123456789abcde.jpg, carol" })
	void stemsUsersChooseGetANameBasedUuidSoTwoUsersNeverShareAnItem(String key, String userId) {
		assertThat(this.ids.fromKey("bucket", key)).isEqualTo(uuid("bucket/" + key));
		assertThat(this.ids.userIdFromKey(key)).isEqualTo(userId);
	}

	@Test
	void theSameFileNameOfTwoUsersNamesTwoImages() {
		assertThat(this.ids.fromKey("uploads", "uploads/me/photo.jpg"))
			.isNotEqualTo(this.ids.fromKey("uploads", "uploads/mallory/photo.jpg"));
		assertThat(this.ids.fromKey("uploads", "uploads/carol/img_1234.jpg"))
			.isNotEqualTo(this.ids.fromKey("uploads", "uploads/dave/img_1234.jpg"));
	}

	/**
	 * Anyone can compute the name-based UUID the worker derives for another's key: as a
	 * stem it would claim that key's image before its upload.
	 */
	@Test
	void aStemShapedAsTheIdsTheWorkerDerivesIsNoId() {
		String victors = uuid("uploads/user-uploads/victor/holiday.jpg");
		String key = "user-uploads/mallory/" + victors + ".jpg";

		assertThat(this.ids.fromKey("uploads", key)).isEqualTo(uuid("uploads/" + key));
		assertThat(new ImageIds(Pattern.compile(".*")).fromKey("uploads", key)).isEqualTo(uuid("uploads/" + key));
	}

	@Test
	void aStemTheEarlierRulesTookIsHeldWhereItsItemRecordsTheObject() {
		ImageJob camera = this.ids.forObject("b", "u/carol/img_1234.jpg", "e");
		ImageJob derivedShape = this.ids.forObject("b", "u/carol/" + uuid("x") + ".jpg", "e");

		assertThat(camera.imageId()).isEqualTo(uuid("b/u/carol/img_1234.jpg"));
		assertThat(camera.heldId()).isEqualTo(new ImageJob.HeldId("img_1234", false));
		assertThat(derivedShape.heldId()).isEqualTo(new ImageJob.HeldId(uuid("x"), false));
		assertThat(this.ids.forObject("b", "u/carol/IMG_1234.jpg", "e").heldId()).as("never an id").isNull();
		assertThat(this.ids.forObject("b", "u/carol/img_1234567890abcdef.jpg", "e").heldId()).isNull();
	}

	@Test
	void aMessageIdShapedAsTheDerivedOnesIsOnlyHeldUnlessItIsTheObjectsOwn() {
		String victors = uuid("b/user-uploads/victor/holiday.jpg");
		ImageJob.Upload none = ImageJob.Upload.NONE;

		assertThat(this.ids.forMessage("b", "user-uploads/mallory/x.jpg", victors, "mallory", none, false).heldId())
			.isEqualTo(new ImageJob.HeldId(victors, true));
		assertThat(this.ids
			.forMessage("b", "user-uploads/mallory/x.jpg", victors.toUpperCase(java.util.Locale.ROOT), "mallory", none,
					false)
			.heldId()).as("in any case").isNotNull();
		assertThat(this.ids.forMessage("b", "user-uploads/victor/holiday.jpg", victors, null, none, false))
			.isEqualTo(new ImageJob("b", "user-uploads/victor/holiday.jpg", victors, "victor", null, none, false));
		assertThat(this.ids.forMessage("b", "k.jpg", UUID.randomUUID().toString(), null, none, false).heldId())
			.as("an upload API's random UUID")
			.isNull();
	}

	@Test
	void anOwnerSegmentNamesTheOwnerOfEveryKeyThatHasIt() {
		ImageIds owned = new ImageIds(Pattern.compile(ImageWorkerProperties.DEFAULT_ID_PATTERN), 1);

		assertThat(owned.userIdFromKey("user-uploads/alice/x.jpg")).isEqualTo("alice");
		assertThat(owned.userIdFromKey("user-uploads/alice/2024/x.jpg")).isEqualTo("alice");
		assertThat(owned.userIdFromKey("user-uploads/x.jpg")).as("the file name is no owner").isNull();
		assertThat(owned.mayOwn("alice", "user-uploads/alice/x.jpg")).isTrue();
		assertThat(owned.mayOwn("mallory", "user-uploads/alice/x.jpg")).isFalse();
		assertThat(owned.mayOwn("mallory", "x.jpg")).isFalse();
		assertThat(this.ids.mayOwn("mallory", "user-uploads/alice/x.jpg")).as("without a segment").isTrue();
		assertThat(new ImageIds(Pattern.compile(".*"), 0).userIdFromKey("alice/x.jpg")).isEqualTo("alice");
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
