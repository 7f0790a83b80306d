package dev.imageworker.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An animated WebP's canvas and frame count, from its RIFF chunks alone: the VP8X chunk
 * that must open an animated file, and one ANMF chunk per frame. No pixel is decoded.
 *
 * @param canvas the canvas every frame is composed onto
 * @param frames the ANMF chunks counted
 */
record WebpHeader(Dimensions canvas, int frames) {

	private static final int FIRST_CHUNK = 12;

	private static final int CHUNK_HEADER = 8;

	private static final int ANIMATION_FLAG = 0x02;

	/** The header of an animated WebP; empty for a still one or a damaged one. */
	static Optional<WebpHeader> read(byte[] webp) {
		if (webp.length < FIRST_CHUNK + CHUNK_HEADER + 10 || !type(webp, FIRST_CHUNK).equals("VP8X")
				|| (webp[FIRST_CHUNK + CHUNK_HEADER] & ANIMATION_FLAG) == 0) {
			return Optional.empty();
		}
		int payload = FIRST_CHUNK + CHUNK_HEADER;
		Dimensions canvas = new Dimensions(uint24(webp, payload + 4) + 1, uint24(webp, payload + 7) + 1);
		int frames = 0;
		long position = FIRST_CHUNK;
		while (position + CHUNK_HEADER <= webp.length) {
			int at = (int) position;
			long size = (webp[at + 4] & 0xFFL) | (webp[at + 5] & 0xFFL) << 8 | (webp[at + 6] & 0xFFL) << 16
					| (webp[at + 7] & 0xFFL) << 24;
			if (type(webp, at).equals("ANMF")) {
				frames++;
			}
			position += CHUNK_HEADER + size + (size & 1);
		}
		return (frames > 0) ? Optional.of(new WebpHeader(canvas, frames)) : Optional.empty();
	}

	private static String type(byte[] data, int offset) {
		return new String(data, offset, 4, StandardCharsets.US_ASCII);
	}

	private static int uint24(byte[] data, int offset) {
		return (data[offset] & 0xFF) | (data[offset + 1] & 0xFF) << 8 | (data[offset + 2] & 0xFF) << 16;
	}

}
