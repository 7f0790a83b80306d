package dev.imageworker.core;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class UserMetadataTests {

	@Test
	void keepsTheFirstMapsValueOfAKeyBothHave() {
		assertThat(UserMetadata.bounded(Map.of("camera", "iPhone 12"), Map.of("camera", "forged", "lens", "28mm")))
			.containsExactlyInAnyOrderEntriesOf(Map.of("camera", "iPhone 12", "lens", "28mm"));
	}

	@Test
	void keepsAtMostTwoKibibytesInOrderAndWarnsAboutTheRest(CapturedOutput output) {
		Map<String, String> large = new LinkedHashMap<>();
		for (int i = 0; i < 10; i++) {
			large.put("k" + i, "v".repeat(298));
		}

		Map<String, String> kept = UserMetadata.bounded(large, Map.of("late", "x"));

		// Each entry is 300 bytes: six fit, then 48 bytes are left for the object's one.
		assertThat(kept.keySet()).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "late");
		assertThat(
				kept.entrySet().stream().mapToInt((entry) -> entry.getKey().length() + entry.getValue().length()).sum())
			.isLessThanOrEqualTo(UserMetadata.MAX_BYTES);
		assertThat(output).contains("WARN", "Dropped 4 metadata entries");
	}

	@Test
	void dropsInvalidKeysAndValues() {
		Map<String, String> hostile = new LinkedHashMap<>();
		hostile.put("", "empty key");
		hostile.put("with space", "v");
		hostile.put("../path", "v");
		hostile.put("k".repeat(65), "too long a key");
		hostile.put("control", "bell\u0007");
		hostile.put("long", "v".repeat(513));
		hostile.put("utf-8", "Zoë");

		assertThat(UserMetadata.bounded(hostile, Map.of())).containsExactlyEntriesOf(Map.of("utf-8", "Zoë"));
	}

}
