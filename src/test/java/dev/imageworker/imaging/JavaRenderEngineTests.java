package dev.imageworker.imaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import dev.imageworker.failure.FailureCode;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules, for the pure-Java engine. */
class JavaRenderEngineTests extends AbstractRenderEngineTests {

	private final RenderEngine engine = new JavaRenderEngine(ObservationRegistry.NOOP);

	@Override
	protected RenderEngine engine() {
		return this.engine;
	}

	@Test
	void refusesWebpTooLargeToDecodeWholeFromHeader() {
		assertThat(failureOf(losslessWebpHeader(6000, 6000), SPEC)).isEqualTo(FailureCode.IMAGE_TOO_LARGE);
	}

	@Test
	void readsNoHeaderSizeOfHeic() {
		assertThat(this.engine.headerSize(magick("-size", "64x48", "xc:rgb(200,30,30)", "heic:-"))).isEmpty();
	}

	/** A lossless WebP whose header declares the size; the pixel data is missing. */
	private static byte[] losslessWebpHeader(int width, int height) {
		ByteBuffer webp = ByteBuffer.allocate(12 + 8 + 5 + 64).order(ByteOrder.LITTLE_ENDIAN);
		webp.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(webp.capacity() - 8);
		webp.put("WEBPVP8L".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(5 + 64);
		webp.put((byte) 0x2F).putInt((width - 1) | ((height - 1) << 14));
		return webp.array();
	}

}
