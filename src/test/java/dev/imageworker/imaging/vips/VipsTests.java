package dev.imageworker.imaging.vips;

import java.awt.Color;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.imageworker.imaging.Dimensions;
import dev.imageworker.support.SampleImages;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The binding as started for the engine: libvips' own loader search, the one its sniffing
 * calls use, reaches only the allowed loaders; a libvips that cannot block the others
 * does not start.
 */
class VipsTests {

	private static Vips vips;

	@BeforeAll
	static void loadLibvips() {
		String problem = null;
		try {
			vips = Vips.load();
		}
		catch (IllegalStateException ex) {
			problem = ex.getMessage();
		}
		assumeThat(problem).as("libvips42 is not installed, binding tests skipped: %s", problem).isNull();
	}

	static Stream<Arguments> refusedFormats() {
		List<Arguments> formats = new ArrayList<>(List.of(Arguments.of("SVG", SampleImages.svgWithExternalImage()),
				Arguments.of("PDF", SampleImages.pdf()), Arguments.of("PSD", SampleImages.psd()),
				// libvips reads BMP only through ImageMagick.
				Arguments.of("BMP", SampleImages.encode(SampleImages.flat(8, 8, Color.RED), "bmp"))));
		if (SampleImages.hasImageMagick()) {
			formats.add(Arguments.of("MIFF", SampleImages.imageMagick("-size", "8x8", "xc:red", "miff:-")));
			formats.add(Arguments.of("PCX", SampleImages.imageMagick("-size", "8x8", "xc:red", "pcx:-")));
		}
		return formats.stream();
	}

	/**
	 * Reading a header, as the engine does for every format but JPEG, reaches no loader.
	 * libvips before 8.15.1 still names a blocked loader in its search (its sniffer runs)
	 * and then refuses to build it; later ones skip blocked loaders in the search.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("refusedFormats")
	void readsNothingOfFormatsTheWorkerRefuses(String name, byte[] data) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = copy(arena, data);
			String loader = vips.findLoader(buffer);
			vips.takeErrors();
			MemorySegment image = vips.newFromBuffer(buffer, arena.allocateFrom(""));
			vips.unref(image);
			String errors = vips.takeErrors();
			assertThat(image).as("image read by %s", loader).isEqualTo(MemorySegment.NULL);
			if (loader != null) {
				assertThat(errors).contains("operation is blocked");
			}
		}
	}

	/** Each allowed loader is the one libvips picks for its format, and it reads. */
	@Test
	void readsWithTheAllowedLoaders() {
		assertReadsWith(SampleImages.jpeg(8, 8), "VipsForeignLoadJpegBuffer");
		assertReadsWith(SampleImages.png(8, 8, false), "VipsForeignLoadPngBuffer");
		assertReadsWith(SampleImages.encode(SampleImages.flat(8, 8, Color.RED), "gif"), "VipsForeignLoadNsgifBuffer");
		assertReadsWith(SampleImages.encode(SampleImages.flat(8, 8, Color.RED), "tiff"), "VipsForeignLoadTiffBuffer");
		assumeThat(SampleImages.hasImageMagick()).as("ImageMagick (convert) is installed").isTrue();
		assertReadsWith(SampleImages.imageMagick("-size", "8x8", "xc:red", "webp:-"), "VipsForeignLoadWebpBuffer");
		assumeThat(vips.loaders()).as("libvips has its HEIF module").contains("VipsForeignLoadHeifBuffer");
		assertReadsWith(SampleImages.imageMagick("-size", "8x8", "xc:red", "heic:-"), "VipsForeignLoadHeifBuffer");
	}

	/** The engine's header probe reads HEIC where libvips has its HEIF module. */
	@Test
	void engineReadsHeaderSizeOfHeic() {
		assumeThat(SampleImages.hasImageMagick()).as("ImageMagick (convert) is installed").isTrue();
		assumeThat(vips.loaders()).as("libvips has its HEIF module").contains("VipsForeignLoadHeifBuffer");
		byte[] heic = SampleImages.imageMagick("-size", "64x48", "xc:rgb(200,30,30)", "heic:-");
		assertThat(new VipsRenderEngine(ObservationRegistry.NOOP).headerSize(heic)).contains(new Dimensions(64, 48));
	}

	@Test
	void allowsOnlyTheLoadersThisBuildHas() {
		List<String> allowed = new ArrayList<>(Vips.ALLOWED_LOADERS);
		allowed.add("VipsForeignLoadNoSuchBuffer");
		Vips again = Vips.open(libvips(), allowed);
		assertThat(again.loaders()).isEqualTo(vips.loaders()).doesNotContain("VipsForeignLoadNoSuchBuffer");
	}

	@ParameterizedTest
	@ValueSource(strings = { "vips_block_untrusted_set", "vips_operation_block_set" })
	void doesNotStartWithoutLoaderBlocking(String missing) {
		SymbolLookup lib = libvips();
		SymbolLookup older = (name) -> name.equals(missing) ? Optional.empty() : lib.find(name);
		assertThatIllegalStateException().isThrownBy(() -> Vips.open(older, Vips.ALLOWED_LOADERS))
			.withMessageContaining(missing)
			.withMessageContaining("8.13");
	}

	private static SymbolLookup libvips() {
		return SymbolLookup.libraryLookup(Vips.LIBRARY, Arena.global());
	}

	private static void assertReadsWith(byte[] data, String loader) {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment buffer = copy(arena, data);
			assertThat(vips.findLoader(buffer)).isEqualTo(loader);
			MemorySegment image = vips.newFromBuffer(buffer, arena.allocateFrom(""));
			vips.unref(image);
			assertThat(image).as("image read by %s: %s", loader, vips.takeErrors()).isNotEqualTo(MemorySegment.NULL);
		}
		finally {
			vips.takeErrors();
		}
	}

	private static MemorySegment copy(Arena arena, byte[] data) {
		MemorySegment buffer = arena.allocate(data.length);
		MemorySegment.copy(data, 0, buffer, ValueLayout.JAVA_BYTE, 0, data.length);
		return buffer;
	}

}
