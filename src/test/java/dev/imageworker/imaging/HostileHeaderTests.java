package dev.imageworker.imaging;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Few-byte files whose headers hide or misstate what a decoder would allocate, each far
 * over the pixel limit where it declares a size: every engine refuses them from the
 * header, before any decoder runs (the libvips engine hands BMPs to the Java engine, so
 * both meet them).
 */
class HostileHeaderTests {

	static List<RenderEngine> engines() {
		List<RenderEngine> engines = new ArrayList<>(List.of(new JavaRenderEngine(ObservationRegistry.NOOP)));
		try {
			engines.add(new VipsRenderEngine(ObservationRegistry.NOOP));
		}
		catch (IllegalStateException ex) {
			// Without libvips only the Java engine is tried.
		}
		return engines;
	}

	@ParameterizedTest
	@MethodSource("engines")
	void refusesABmpAroundACutJpegOfThirtyThousandSquare(RenderEngine engine) {
		byte[] bmp = HostileImages.bmpAround(HostileImages.BI_JPEG, HostileImages.cutProgressiveJpeg(30_000, 30_000));

		assertThat(bmp.length).isLessThan(1024);
		assertThat(failureOf(engine, bmp)).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
	}

	@ParameterizedTest
	@MethodSource("engines")
	void refusesABmpAroundAPngOfThirtyThousandSquare(RenderEngine engine) {
		byte[] bmp = HostileImages.bmpAround(HostileImages.BI_PNG, SampleImages.pngBomb(30_000, 30_000));

		assertThat(failureOf(engine, bmp)).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
	}

	@ParameterizedTest
	@MethodSource("engines")
	void refusesABmpDeclaringMorePixelDataThanItHolds(RenderEngine engine) {
		byte[] bmp = HostileImages.rle8BmpDeclaring(0x7FFFFFF0L);

		assertThat(bmp.length).isLessThan(200);
		assertThat(failure(engine, bmp)).satisfies((failure) -> {
			assertThat(failure.code()).isEqualTo(FailureCode.CORRUPT_IMAGE);
			assertThat(failure).as("refused from the header, before the reader allocates it")
				.hasMessageContaining("declares 2147483632 bytes");
		});
	}

	@ParameterizedTest
	@MethodSource("engines")
	void rendersARunLengthBmpThatDeclaresTheDataItHolds(RenderEngine engine) {
		byte[] bmp = HostileImages.rle8BmpDeclaring(42);

		Rendering rendering = engine.render(bmp, AbstractRenderEngineTests.SPEC, new Cancellation());

		assertThat(rendering.width() + "x" + rendering.height()).isEqualTo("10x10");
	}

	@ParameterizedTest
	@MethodSource("engines")
	void refusesALosslessJpegOfTwentyThousandSquare(RenderEngine engine) {
		byte[] lossless = HostileImages.losslessJpeg(20_000, 20_000);

		assertThat(lossless.length).isLessThan(100);
		assertThat(failureOf(engine, lossless)).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
	}

	/**
	 * The frame types neither engine can bound, as a baseline JPEG's frame header
	 * relabelled: hierarchical, arithmetic-coded and both.
	 */
	@ParameterizedTest
	@MethodSource("engines")
	void refusesEveryFrameTypeButBaselineExtendedAndProgressive(RenderEngine engine) {
		for (int marker : new int[] { 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF }) {
			byte[] jpeg = withFrameMarker(SampleImages.jpeg(64, 48), marker);
			assertThat(failureOf(engine, jpeg)).as("SOF%d", marker - 0xC0).isEqualTo(FailureCode.UNSUPPORTED_FORMAT);
		}
		Rendering extended = engine.render(withFrameMarker(SampleImages.jpeg(64, 48), 0xC1),
				AbstractRenderEngineTests.SPEC, new Cancellation());
		assertThat(extended.width()).isEqualTo(64);
	}

	/**
	 * The JDK's BMP reader opens a profile a BMP links by path when its switch is on; the
	 * engine turns it off before any BMP is read, whatever the flags.
	 */
	@Test
	void neverOpensAColourProfileABmpLinksByPath(@TempDir Path directory) throws Exception {
		Path profile = Files.writeString(directory.resolve("linked.icc"), "not a colour profile");
		byte[] bmp = HostileImages.bmpWithLinkedProfile(profile.toString());

		Rendering rendering = new JavaRenderEngine(ObservationRegistry.NOOP).render(bmp, AbstractRenderEngineTests.SPEC,
				new Cancellation());

		assertThat(System.getProperty(JavaRenderEngine.LINKED_BMP_PROFILES)).isEqualTo("false");
		assertThat(rendering.width() + "x" + rendering.height()).isEqualTo("2x2");
	}

	private static FailureCode failureOf(RenderEngine engine, byte[] source) {
		return failure(engine, source).code();
	}

	private static PermanentFailure failure(RenderEngine engine, byte[] source) {
		PermanentFailure failure = catchThrowableOfType(PermanentFailure.class,
				() -> engine.render(source, AbstractRenderEngineTests.SPEC, new Cancellation()));
		assertThat(failure).as("a PermanentFailure").isNotNull();
		return failure;
	}

	private static byte[] withFrameMarker(byte[] jpeg, int marker) {
		byte[] copy = jpeg.clone();
		for (int pos = 2; pos + 4 <= copy.length;) {
			int found = copy[pos + 1] & 0xFF;
			if (found == 0xC0) {
				copy[pos + 1] = (byte) marker;
				return copy;
			}
			pos += 2 + (((copy[pos + 2] & 0xFF) << 8) | (copy[pos + 3] & 0xFF));
		}
		throw new IllegalArgumentException("no baseline frame header");
	}

}
