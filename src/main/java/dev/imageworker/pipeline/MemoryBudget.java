package dev.imageworker.pipeline;

import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.function.Function;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.imaging.DecodeEstimate;
import dev.imageworker.imaging.Dimensions;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Admits images to decoding by the memory their decoded pixels take, besides the message
 * count the listener already bounds: a count alone would let as many large photos decode
 * at once as small ones, and the large ones would not fit. The budget sits where the
 * engine decodes: a share of the maximum heap for the Java engine; for libvips, which
 * decodes in native memory the heap does not see, what the memory limit leaves beside the
 * heap and the JVM's own reserve.
 * <p>
 * Pixels are known only once the header is read, so the permit is taken right before
 * decoding. Waiting here grows no local queue: only messages the listener received wait,
 * and it receives no more than {@code maxConcurrentMessages}; while they wait the
 * visibility heartbeat keeps them hidden, and the container does not poll for more.
 */
@Component
class MemoryBudget {

	private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);

	private static final long MIB = 1024 * 1024;

	private final KibPermits permits;

	private final long maxPixels;

	private final long maxDecodeBytes;

	private final RenderSpec spec;

	private final long nativeBudget;

	private final boolean nativeEngine;

	private final Function<byte[], Optional<Dimensions>> engineHeader;

	@Autowired
	MemoryBudget(ImageWorkerProperties properties, RenderSpec spec, RenderEngine engine) {
		this(new KibPermits(budget(properties.processing(), engine.decodesOnHeap(), Runtime.getRuntime().maxMemory(),
				memoryLimit()), properties.processing().jobTimeout()), properties.limits().maxPixels(), memoryLimit(),
				nativeMemory(properties.processing(), engine.decodesOnHeap(), Runtime.getRuntime().maxMemory(),
						memoryLimit()),
				!engine.decodesOnHeap(), spec, engine::headerSize);
		log.info("Decoding admitted against {} MiB of {} memory (heap max {} MiB, memory limit {} MiB)",
				this.permits.capacityKib() / 1024, engine.decodesOnHeap() ? "heap" : "native",
				Runtime.getRuntime().maxMemory() / MIB, memoryLimit() / MIB);
	}

	/**
	 * @param permits the bytes decoded images in flight may take, and how long an image
	 * waits for them
	 * @param maxDecodeBytes the largest decode admitted at all: the memory limit
	 * @param nativeBudget the native memory set aside for decoding: the most a decode may
	 * hold at once there (a progressive JPEG's coefficients, an image libvips decodes
	 * whole)
	 * @param nativeEngine whether the engine decodes in native memory (libvips), where
	 * some formats are decoded whole
	 * @param engineHeader the size the engine's own decoder reads from a header the
	 * worker's parsing cannot read
	 */
	MemoryBudget(KibPermits permits, long maxPixels, long maxDecodeBytes, long nativeBudget, boolean nativeEngine,
			RenderSpec spec, Function<byte[], Optional<Dimensions>> engineHeader) {
		this.permits = permits;
		this.maxPixels = maxPixels;
		this.maxDecodeBytes = maxDecodeBytes;
		this.nativeBudget = nativeBudget;
		this.nativeEngine = nativeEngine;
		this.spec = spec;
		this.engineHeader = engineHeader;
	}

	/**
	 * The bytes decoded images in flight may take: the configured budget, else a share of
	 * the heap for an engine that decodes there, else what the memory limit leaves beside
	 * the heap and the reserve (at least nothing: every image then decodes alone).
	 */
	static long budget(ImageWorkerProperties.Processing processing, boolean onHeap, long maxHeap, long memoryLimit) {
		if (processing.memoryBudget() != null) {
			return processing.memoryBudget().toBytes();
		}
		if (onHeap) {
			return (long) (maxHeap * processing.memoryShare());
		}
		return nativeMemory(processing, false, maxHeap, memoryLimit);
	}

	/**
	 * The native memory set aside for decoding: the budget of an engine that decodes
	 * there, else what the memory limit leaves beside the heap and the reserve, where
	 * even the Java engine's JPEG reader keeps a progressive JPEG's coefficients.
	 */
	static long nativeMemory(ImageWorkerProperties.Processing processing, boolean onHeap, long maxHeap,
			long memoryLimit) {
		if (!onHeap && processing.memoryBudget() != null) {
			return processing.memoryBudget().toBytes();
		}
		return Math.max(0, memoryLimit - maxHeap - processing.memoryReserve().toBytes());
	}

	/**
	 * The memory the JVM sizes itself from: the container's limit (the JVM reads
	 * cgroups), lowered by {@code -XX:MaxRAM} when that is smaller.
	 */
	static long memoryLimit() {
		long total = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class).getTotalMemorySize();
		String maxRam = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
			.getVMOption("MaxRAM")
			.getValue();
		return Math.min(total, Long.parseLong(maxRam));
	}

	/**
	 * Waits until the decoded image fits in the budget. An image larger than the whole
	 * budget waits until it has the budget to itself, as a streamed decode only ever
	 * holds part of it; one whose estimated decode is larger than the whole memory limit
	 * (a large PNG with alpha, which libvips cannot shrink on load) could not fit even
	 * alone, and is refused. So is a decode that holds more at once than the native
	 * memory set aside for decoding, waiting or not: a progressive JPEG's coefficients,
	 * or for libvips an interlaced PNG, a GIF or a HEIF, decoded whole. These limits are
	 * enforced here, from the header, before any engine sees the image: a native decoder
	 * may not read the header of a file it could not decode.
	 * <p>
	 * An unknown cost is never admitted for free: a header of a known format the worker
	 * cannot parse is sized from what the engine's decoder reads of it (a JPEG as the
	 * costliest progressive one of that size), and an image of which nothing tells the
	 * size waits for the whole budget.
	 * @return the lease to close once the decoded pixels are no longer needed
	 */
	KibPermits.Lease admit(byte[] source) {
		DecodeEstimate estimate = DecodeEstimate.of(source, this.spec);
		if (estimate.pixels() == 0 && ImageFormat.sniff(source).isEmpty()) {
			// Every engine refuses bytes of no known format before decoding anything.
			return this.permits.acquire(0, "memory to decode");
		}
		if (estimate.pixels() == 0) {
			Optional<Dimensions> size = this.engineHeader.apply(source);
			if (size.isEmpty()) {
				log.debug("No size in the header: decoding alone");
				return this.permits.acquire(Long.MAX_VALUE, "memory to decode");
			}
			estimate = DecodeEstimate.ofSize(source, size.get(), this.spec);
		}
		if (estimate.pixels() > this.maxPixels) {
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
					"header declares " + estimate.pixels() + " pixels, more than the limit of " + this.maxPixels);
		}
		long held = estimate.heldAtOnce(this.nativeEngine);
		if (held > this.nativeBudget) {
			String what = (held == estimate.coefficientBytes())
					? "a progressive JPEG of " + estimate.pixels() + " pixels holds about " + held / MIB
							+ " MiB of coefficients while it decodes"
					: decodedWhole(source) + " of " + estimate.pixels() + " pixels is decoded whole, about "
							+ held / MIB + " MiB at once";
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE, what + ", more than the " + this.nativeBudget / MIB
					+ " MiB of native memory set aside for decoding (the native budget)");
		}
		if (estimate.bytes() > this.maxDecodeBytes) {
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE, "decoding takes about " + estimate.bytes() / MIB
					+ " MiB, more than the memory limit of " + this.maxDecodeBytes / MIB + " MiB");
		}
		return this.permits.acquire(estimate.bytes(), "memory to decode");
	}

	private static String decodedWhole(byte[] source) {
		return switch (ImageFormat.require(source)) {
			case PNG -> "an interlaced PNG";
			case GIF -> "a GIF";
			case WEBP -> "an animated WebP";
			case AVIF -> "an AVIF image";
			default -> "a HEIF image";
		};
	}

}
