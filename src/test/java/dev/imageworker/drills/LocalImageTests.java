package dev.imageworker.drills;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LocalImageTests {

	private static final Path ROOT = Path.of("/work/target/image");

	@Test
	void theImagesPathsMoveUnderTheLocalRoot() {
		assertThat(LocalImage.mapPaths(
				"java -XX:AOTCacheOutput=/app/app.aot @/app/jvm.args -jar /app/app.jar --x=http://127.0.0.1:9", ROOT))
			.isEqualTo("java -XX:AOTCacheOutput=/work/target/image/app/app.aot @/work/target/image/app/jvm.args"
					+ " -jar /work/target/image/app/app.jar --x=http://127.0.0.1:9");
		assertThat(LocalImage.mapPaths("/app", ROOT)).isEqualTo("/work/target/image/app");
	}

	@Test
	void systemPathsAndRelativeOnesStay() {
		assertThat(LocalImage.mapPaths("cp /usr/lib/x.so lib/ && ls /tmp extracted/app", ROOT))
			.isEqualTo("cp /usr/lib/x.so lib/ && ls /tmp extracted/app");
	}

}
