package dev.imageworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ImageIdsTests {

	@ParameterizedTest
	@CsvSource({ "uploads/alice/photo.jpg, photo, alice", "u/bob/my.holiday.png, my.holiday, bob",
			"in/zoë/été 2024+1.jpg, été 2024+1, zoë" })
	void conventionalKeysNameTheirImageAndOwner(String key, String imageId, String userId) {
		assertThat(ImageIds.fromKey("bucket", key)).isEqualTo(imageId);
		assertThat(ImageIds.userIdFromKey(key)).isEqualTo(userId);
	}

	@ParameterizedTest
	@CsvSource({ "photo.jpg", "a/photo.jpg", "a/b/c/photo.jpg", "a/b/photo", "a/b/.hidden", "a/b/photo.",
			"/b/photo.jpg", "a//photo.jpg" })
	void otherKeysGetANameBasedUuidOfBucketAndKey(String key) {
		String expected = UUID.nameUUIDFromBytes(("bucket/" + key).getBytes(StandardCharsets.UTF_8)).toString();

		assertThat(ImageIds.fromKey("bucket", key)).isEqualTo(expected);
		assertThat(ImageIds.fromKey("other", key)).isNotEqualTo(expected);
		assertThat(ImageIds.userIdFromKey(key)).isNull();
	}

}
