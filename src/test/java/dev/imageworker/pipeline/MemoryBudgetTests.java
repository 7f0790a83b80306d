package dev.imageworker.pipeline;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.TransientFailure;
import dev.imageworker.imaging.Dimensions;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.support.HostileImages;
import dev.imageworker.support.SampleImages;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class MemoryBudgetTests {

	private static final Map<String, byte[]> HEADERS = new ConcurrentHashMap<>();

	private static final long MIB = 1024 * 1024;

	/** JPEG renditions of at most 1024 px. */
	private static final RenderSpec SPEC = RenderSpec.jpeg(Map.of("medium", 1024), 85, Long.MAX_VALUE);

	/** An engine whose decoder reads no header the worker cannot read itself. */
	private static final Function<byte[], Optional<Dimensions>> NO_HEADER = (source) -> Optional.empty();

	/** What a 512 MiB container sets aside for native decoding. */
	private static final long NATIVE = 128 * MIB;

	/** Half of a 512 MiB heap, the default share: the Java engine's budget. */
	private final KibPermits permits = permits(256 * MIB);

	private final MemoryBudget budget = new MemoryBudget(this.permits, 100_000_000, 512 * MIB, NATIVE, false, SPEC,
			NO_HEADER);

	@Test
	void fourTwentyMegapixelImagesDoNotDecodeAtOnce() {
		List<KibPermits.Lease> leases = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			leases.add(this.budget.admit(header(5472, 3648)));
		}
		assertThatExceptionOfType(TransientFailure.class).isThrownBy(() -> this.budget.admit(header(5472, 3648)));
		leases.removeFirst().close();
		leases.add(this.budget.admit(header(5472, 3648)));
		leases.forEach(KibPermits.Lease::close);
		assertThat(FreeRoom.kib(this.permits)).isEqualTo(256 * 1024);
	}

	@Test
	void fortySmallImagesDecodeAtOnce() {
		byte[] small = SampleImages.jpeg(1000, 750);
		List<KibPermits.Lease> leases = new ArrayList<>();
		for (int i = 0; i < 40; i++) {
			leases.add(this.budget.admit(small));
		}
		assertThat(FreeRoom.kib(this.permits)).isLessThan(256 * 1024 - 40 * 2 * 1024);
		leases.forEach(KibPermits.Lease::close);
	}

	@Test
	void anImageLargerThanTheBudgetRunsAlone() {
		KibPermits smallPermits = permits(16 * MIB);
		MemoryBudget small = new MemoryBudget(smallPermits, 100_000_000, 512 * MIB, NATIVE, false, SPEC, NO_HEADER);
		try (KibPermits.Lease _ = small.admit(header(5472, 3648))) {
			assertThat(FreeRoom.kib(smallPermits)).isZero();
		}
		assertThat(FreeRoom.kib(smallPermits)).isEqualTo(16 * 1024);
	}

	@Test
	void refusesAnImageOverThePixelLimitFromItsHeader() {
		KibPermits budgetPermits = permits(256 * MIB);
		MemoryBudget budget = new MemoryBudget(budgetPermits, 1_000_000, 512 * MIB, NATIVE, false, SPEC, NO_HEADER);

		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> budget.admit(header(5472, 3648)))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE));
		assertThat(FreeRoom.kib(budgetPermits)).isEqualTo(256 * 1024);
	}

	@Test
	void bytesOfNoKnownFormatCostNothingAsEveryEngineRefusesThemUndecoded() {
		try (KibPermits.Lease _ = this.budget.admit("not an image".getBytes())) {
			assertThat(FreeRoom.kib(this.permits)).isEqualTo(256 * 1024);
		}
	}

	@Test
	void twoHundredMegapixelPngsDecodeOneAfterTheOther() {
		KibPermits nativeBudgetPermits = permits(96 * MIB);
		MemoryBudget nativeBudget = new MemoryBudget(nativeBudgetPermits, 100_000_000, 512 * MIB, NATIVE, false, SPEC,
				NO_HEADER);
		byte[] png = SampleImages.pngHeader(10_000, 10_000, 8, 2);
		try (KibPermits.Lease _ = nativeBudget.admit(png)) {
			assertThatExceptionOfType(TransientFailure.class).isThrownBy(() -> nativeBudget.admit(png));
		}
		nativeBudget.admit(png).close();
		assertThat(FreeRoom.kib(nativeBudgetPermits)).isEqualTo(96 * 1024);
	}

	@Test
	void refusesADecodeLargerThanTheMemoryLimitFromItsHeader() {
		KibPermits smallPermits = permits(96 * MIB);
		MemoryBudget small = new MemoryBudget(smallPermits, 100_000_000, 512 * MIB, NATIVE, false, SPEC, NO_HEADER);
		MemoryBudget large = new MemoryBudget(permits(864 * MIB), 100_000_000, 2048 * MIB, NATIVE, false, SPEC,
				NO_HEADER);
		byte[] png = SampleImages.pngHeader(8000, 8000, 8, 6);

		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> small.admit(png))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE));
		assertThat(FreeRoom.kib(smallPermits)).isEqualTo(96 * 1024);
		large.admit(png).close();
	}

	@Test
	void aProgressiveJpegCostsItsCoefficientsBesideItsScaledDecode() {
		byte[] baseline = SampleImages.withDeclaredSize(SampleImages.jpeg(64, 48), 6144, 4096);
		byte[] progressive = SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6144, 4096);
		int scaledDecodeKib = 3072 * 2048 * 4 / 1024;

		try (KibPermits.Lease _ = this.budget.admit(baseline)) {
			assertThat(FreeRoom.kib(this.permits)).isEqualTo(256 * 1024 - scaledDecodeKib);
		}
		try (KibPermits.Lease _ = this.budget.admit(progressive)) {
			// 4:2:0: two bytes a pixel of luma coefficients, one of chroma.
			assertThat(FreeRoom.kib(this.permits)).isEqualTo(256 * 1024 - scaledDecodeKib - 6144 * 4096 * 3 / 1024);
		}
	}

	@Test
	void refusesAProgressiveJpegWhoseCoefficientsExceedTheNativeMemoryForDecoding() {
		byte[] fortyFourMegapixels = SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6400, 6800);
		byte[] fortySixMegapixels = SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 6400, 7200);
		byte[] baseline = SampleImages.withDeclaredSize(SampleImages.jpeg(64, 48), 10_000, 10_000);

		this.budget.admit(fortyFourMegapixels).close();
		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> this.budget.admit(fortySixMegapixels))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE))
			.withMessageContaining("progressive JPEG")
			.withMessageContaining("131 MiB of coefficients")
			.withMessageContaining("128 MiB of native memory");
		this.budget.admit(baseline).close();
		assertThat(FreeRoom.kib(this.permits)).isEqualTo(256 * 1024);
	}

	@Test
	void refusesWhatLibvipsDecodesWholeBeyondTheNativeBudget() {
		KibPermits nativePermits = permits(NATIVE);
		MemoryBudget libvips = libvips(nativePermits);
		byte[] adam7 = interlaced(SampleImages.pngHeader(10_000, 10_000, 8, 0));
		byte[] gif = HostileImages.gif(10, 10, 10_000, 10_000);

		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> libvips.admit(adam7))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE))
			.withMessageContaining("an interlaced PNG of 100000000 pixels is decoded whole, about 381 MiB at once")
			.withMessageContaining("128 MiB of native memory");
		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> libvips.admit(gif))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE))
			.withMessageContaining("a GIF of 100000000 pixels is decoded whole, about 381 MiB at once")
			.withMessageContaining("128 MiB of native memory");
		assertThat(FreeRoom.kib(nativePermits)).isEqualTo(128 * 1024);
	}

	@Test
	void refusesAKeptAnimationBeyondTheNativeBudgetNamingItsFormat() {
		KibPermits nativePermits = permits(NATIVE);
		RenderSpec animates = RenderSpec
			.from(TestProperties.bind(Map.of("variants.v.size", "256", "variants.v.formats", "webp")));
		MemoryBudget libvips = new MemoryBudget(nativePermits, 100_000_000, 512 * MIB, NATIVE, true, animates,
				NO_HEADER);

		assertThatExceptionOfType(PermanentFailure.class)
			.isThrownBy(() -> libvips.admit(animatedWebpHeader(10_000, 5_000, 2)))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE))
			.withMessageContaining("an animated WebP of 100000000 pixels is decoded whole, about 381 MiB at once");
		assertThat(FreeRoom.kib(nativePermits)).isEqualTo(128 * 1024);
	}

	@Test
	void decodesThatStreamWithinTheNativeBudgetWaitForItInstead() {
		KibPermits nativePermits = permits(NATIVE);
		MemoryBudget libvips = libvips(nativePermits);
		byte[] adam7 = interlaced(SampleImages.pngHeader(10_000, 10_000, 8, 0));
		byte[] gif = HostileImages.gif(10, 10, 10_000, 10_000);

		try (KibPermits.Lease _ = libvips.admit(SampleImages.pngHeader(10_000, 10_000, 8, 0))) {
			assertThat(FreeRoom.kib(nativePermits)).as("libvips streams a PNG that is not interlaced").isZero();
		}
		try (KibPermits.Lease _ = libvips.admit(HostileImages.gif(3000, 2000, 3000, 2000))) {
			assertThat(FreeRoom.kib(nativePermits)).as("a GIF within the budget")
				.isEqualTo(128 * 1024 - 3000 * 2000 * 4 / 1024);
		}
		for (byte[] image : List.of(adam7, gif)) {
			try (KibPermits.Lease _ = this.budget.admit(image)) {
				assertThat(FreeRoom.kib(this.permits)).as("the Java engine subsamples as it decodes").isZero();
			}
		}
	}

	@Test
	void aProgressiveJpegWithAStrayByteBeforeItsFrameIsSizedAsLibjpegReadsIt() {
		byte[] stray = SampleImages.withStrayByteBefore(
				SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), 10_000, 10_000), 0xC2);

		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> this.budget.admit(stray))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE))
			.withMessageContaining("progressive JPEG");
	}

	@Test
	void aHeaderOnlyTheEngineReadsIsSizedFromTheEnginesReading() {
		// Not a JPEG the worker's parsing reads: the frame hides behind a bogus segment.
		byte[] unreadable = SampleImages.withSegment(SampleImages.jpeg(64, 48), 0xE1, new byte[0]);
		unreadable[5] = 1;
		KibPermits budgetPermits = permits(256 * MIB);
		MemoryBudget budget = new MemoryBudget(budgetPermits, 100_000_000, 512 * MIB, NATIVE, false, SPEC,
				(source) -> Optional.of(new Dimensions(3000, 2000)));

		try (KibPermits.Lease _ = budget.admit(unreadable)) {
			// As the costliest JPEG of that size: a progressive 4:4:4 one, six bytes of
			// coefficients a pixel, beside its decode at the DCT scale of 1/1.
			assertThat(FreeRoom.kib(budgetPermits)).isEqualTo(256 * 1024 - (3000 * 2000 * 4 + 3000 * 2000 * 6) / 1024);
		}
		MemoryBudget strict = new MemoryBudget(permits(256 * MIB), 5_000_000, 512 * MIB, NATIVE, false, SPEC,
				(source) -> Optional.of(new Dimensions(3000, 2000)));
		assertThatExceptionOfType(PermanentFailure.class).isThrownBy(() -> strict.admit(unreadable))
			.satisfies((failure) -> assertThat(failure.code()).isEqualTo(FailureCode.IMAGE_TOO_LARGE));
	}

	@Test
	void anImageOfWhichNothingTellsTheSizeWaitsForTheWholeBudget() {
		byte[] heic = "\0\0\0\u0018ftypheic\0\0\0\0mif1heic".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		try (KibPermits.Lease _ = this.budget.admit(heic)) {
			assertThat(FreeRoom.kib(this.permits)).isZero();
		}
		try (KibPermits.Lease _ = this.budget.admit(SampleImages.jpeg(100, 100))) {
			assertThatExceptionOfType(TransientFailure.class).as("it waits for every other decode to end")
				.isThrownBy(() -> this.budget.admit(heic));
		}
	}

	@Test
	void progressiveJpegsDecodeInTheNativeMemoryBesideTheHeapWhicheverTheEngine() {
		ImageWorkerProperties.Processing processing = TestProperties.bind(Map.of()).processing();
		ImageWorkerProperties.Processing configured = TestProperties.bind(Map.of("processing.memory-budget", "200MB"))
			.processing();

		assertThat(MemoryBudget.nativeMemory(processing, true, 174 * MIB, 512 * MIB)).isEqualTo(128 * MIB);
		assertThat(MemoryBudget.nativeMemory(processing, false, 174 * MIB, 512 * MIB)).isEqualTo(128 * MIB);
		assertThat(MemoryBudget.nativeMemory(configured, false, 174 * MIB, 512 * MIB)).isEqualTo(200 * MIB);
		assertThat(MemoryBudget.nativeMemory(configured, true, 174 * MIB, 512 * MIB)).as("a heap budget")
			.isEqualTo(128 * MIB);
	}

	@Test
	void theJavaEngineDecodesWithinAShareOfTheHeap() {
		ImageWorkerProperties.Processing processing = TestProperties.bind(Map.of()).processing();

		assertThat(MemoryBudget.budget(processing, true, 256 * MIB, 512 * MIB)).isEqualTo(128 * MIB);
	}

	@Test
	void aNativeEngineDecodesInWhatTheMemoryLimitLeavesBesideTheHeapAndTheReserve() {
		ImageWorkerProperties.Processing processing = TestProperties.bind(Map.of()).processing();

		assertThat(MemoryBudget.budget(processing, false, 174 * MIB, 512 * MIB)).isEqualTo(128 * MIB);
		assertThat(MemoryBudget.budget(processing, false, 716 * MIB, 2048 * MIB)).isEqualTo(1122 * MIB);
		assertThat(MemoryBudget.budget(processing, false, 400 * MIB, 512 * MIB)).as("heap too large").isZero();
	}

	@Test
	void aConfiguredBudgetWins() {
		ImageWorkerProperties.Processing processing = TestProperties
			.bind(Map.of("processing.memory-budget", "200MB", "processing.memory-reserve", "100MB"))
			.processing();

		assertThat(MemoryBudget.budget(processing, false, 256 * MIB, 512 * MIB)).isEqualTo(200 * MIB);
		assertThat(MemoryBudget.budget(processing, true, 256 * MIB, 512 * MIB)).isEqualTo(200 * MIB);
	}

	@Test
	void theMemoryLimitIsNoMoreThanTheJvmSizesItselfFrom() {
		assertThat(MemoryBudget.memoryLimit()).isPositive().isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
	}

	/**
	 * The libvips engine's budget in a 512 MiB container: the native memory it leaves.
	 */
	private static MemoryBudget libvips(KibPermits permits) {
		return new MemoryBudget(permits, 100_000_000, 512 * MIB, NATIVE, true, SPEC, NO_HEADER);
	}

	/**
	 * The chunks an animated WebP opens with and nothing else: a VP8X chunk declaring the
	 * canvas and animation, then one empty ANMF chunk per frame.
	 */
	private static byte[] animatedWebpHeader(int width, int height, int frames) {
		java.nio.ByteBuffer webp = ByteBuffer.allocate(12 + 18 + 8 * frames).order(ByteOrder.LITTLE_ENDIAN);
		webp.put("RIFF".getBytes(StandardCharsets.US_ASCII))
			.putInt(webp.capacity() - 8)
			.put("WEBP".getBytes(StandardCharsets.US_ASCII));
		webp.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).put((byte) 0x02).put(new byte[3]);
		webp.put(uint24(width - 1)).put(uint24(height - 1));
		for (int i = 0; i < frames; i++) {
			webp.put("ANMF".getBytes(StandardCharsets.US_ASCII)).putInt(0);
		}
		return webp.array();
	}

	private static byte[] uint24(int value) {
		return new byte[] { (byte) value, (byte) (value >> 8), (byte) (value >> 16) };
	}

	/** The PNG with its header's interlace method set to Adam7. */
	private static byte[] interlaced(byte[] png) {
		byte[] copy = png.clone();
		copy[28] = 1;
		return copy;
	}

	/**
	 * A budget of that many bytes that refuses at once what does not fit, so that
	 * {@link FreeRoom} can ask it what it has left.
	 */
	private static KibPermits permits(long bytes) {
		return new KibPermits(bytes, Duration.ZERO);
	}

	/**
	 * A PNG whose header declares the size; its data is cut off, as only the header is
	 * read before admission.
	 */
	/**
	 * The start of a real PNG of that size, made once per size: encoding 20 MP takes a
	 * second or more.
	 */
	private static byte[] header(int width, int height) {
		return HEADERS.computeIfAbsent(width + "x" + height,
				(size) -> SampleImages.truncated(SampleImages.png(width, height, false), 0.01));
	}

}
