package dev.imageworker.imaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import org.jspecify.annotations.Nullable;

/**
 * A JPEG's frame header (SOFn): its size, whether it is progressive, and how its
 * components are sampled.
 * <p>
 * A progressive JPEG cannot be decoded strip by strip: its scans refine every block of
 * the image in turn, so libjpeg holds the DCT coefficients of the whole image at full
 * resolution until the last scan, however small the output it is asked for. That is about
 * three bytes a pixel for a colour JPEG, native memory that both engines spend.
 *
 * @param width samples per line
 * @param height lines
 * @param progressive whether the scans are progressive (SOF2, 6, 10 or 14)
 * @param components horizontal and vertical sampling factors of each component
 */
record JpegFrame(int width, int height, boolean progressive, List<Sampling> components) {

	private static final int BLOCK = 8;

	/** Two bytes for each of a block's 64 coefficients. */
	private static final int BYTES_PER_BLOCK = 64 * 2;

	record Sampling(int horizontal, int vertical) {
	}

	/**
	 * @return the frame header, or empty when there is none before the first scan or it
	 * is damaged
	 */
	static Optional<JpegFrame> read(byte[] jpeg) {
		return Optional.ofNullable(JpegSegments.find(jpeg,
				(marker, payload, end) -> isFrame(marker) ? parse(jpeg, payload, end, isProgressive(marker)) : null));
	}

	/**
	 * Refuses every frame type but the three that both engines decode a strip at a time
	 * and the memory admission estimates: baseline, extended sequential and progressive
	 * (SOF0 to SOF2). No camera or browser writes the others, and the engines cannot
	 * bound them: the Java engine (TwelveMonkeys) decodes a lossless JPEG (SOF3) whole
	 * onto the heap, however small the file; no decoder here reads the hierarchical ones;
	 * libvips' libjpeg-turbo reads the arithmetic-coded ones, which the JDK's libjpeg
	 * does not, so the two engines would disagree.
	 * @throws PermanentFailure {@code UNSUPPORTED_FORMAT} for any other frame type
	 */
	static void requireSupportedFrame(byte[] jpeg) {
		Integer marker = JpegSegments.find(jpeg, (found, payload, end) -> isFrame(found) ? found : null);
		if (marker != null && marker > 0xC2) {
			throw new PermanentFailure(FailureCode.UNSUPPORTED_FORMAT,
					"a " + process(marker) + " JPEG (SOF" + (marker - 0xC0) + ") is not supported");
		}
	}

	private static String process(int marker) {
		return switch (marker) {
			case 0xC3 -> "lossless";
			case 0xC5, 0xC6, 0xC7 -> "hierarchical";
			case 0xCD, 0xCE, 0xCF -> "hierarchical arithmetic-coded";
			default -> "arithmetic-coded";
		};
	}

	/** SOF0 to SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
	private static boolean isFrame(int marker) {
		return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
	}

	private static boolean isProgressive(int marker) {
		return marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
	}

	private static @Nullable JpegFrame parse(byte[] data, int payload, int end, boolean progressive) {
		if (end - payload < 6) {
			return null;
		}
		int height = unsignedShort(data, payload + 1);
		int width = unsignedShort(data, payload + 3);
		int count = data[payload + 5] & 0xFF;
		if (count == 0 || end - payload < 6 + 3 * count) {
			return null;
		}
		List<Sampling> components = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			int factors = data[payload + 6 + 3 * i + 1] & 0xFF;
			int horizontal = factors >> 4;
			int vertical = factors & 0x0F;
			if (horizontal == 0 || vertical == 0) {
				return null;
			}
			components.add(new Sampling(horizontal, vertical));
		}
		return new JpegFrame(width, height, progressive, List.copyOf(components));
	}

	/**
	 * The coefficient buffers a progressive decode holds, as libjpeg sizes them: each
	 * component's blocks, rounded up to whole MCUs. Nothing for a sequential JPEG, which
	 * is decoded a row of blocks at a time.
	 */
	long coefficientBytes() {
		if (!this.progressive) {
			return 0;
		}
		int maxHorizontal = this.components.stream().mapToInt(Sampling::horizontal).max().orElse(1);
		int maxVertical = this.components.stream().mapToInt(Sampling::vertical).max().orElse(1);
		long bytes = 0;
		for (Sampling sampling : this.components) {
			long wide = roundUp(Math.ceilDiv((long) this.width * sampling.horizontal(), (long) maxHorizontal * BLOCK),
					sampling.horizontal());
			long high = roundUp(Math.ceilDiv((long) this.height * sampling.vertical(), (long) maxVertical * BLOCK),
					sampling.vertical());
			bytes += wide * high * BYTES_PER_BLOCK;
		}
		return bytes;
	}

	private static long roundUp(long value, long multiple) {
		return Math.ceilDiv(value, multiple) * multiple;
	}

	private static int unsignedShort(byte[] data, int offset) {
		return ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
	}

}
