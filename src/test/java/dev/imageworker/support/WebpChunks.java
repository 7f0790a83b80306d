package dev.imageworker.support;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A WebP file's RIFF chunks, read as the container format describes them: which chunks it
 * has, and an animation's loop count and frames.
 *
 * @param chunks each chunk's type and payload, in file order
 */
public record WebpChunks(List<Chunk> chunks) {

	/**
	 * @param type the four-character type, e.g. {@code VP8X}, {@code ANMF}, {@code EXIF}
	 * @param payload its bytes
	 */
	public record Chunk(String type, byte[] payload) {
	}

	public static WebpChunks of(byte[] webp) {
		if (!new String(webp, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
				|| !new String(webp, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
			throw new IllegalArgumentException("not a WebP file");
		}
		int riffEnd = 8 + ByteBuffer.wrap(webp, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
		if (riffEnd != webp.length) {
			throw new IllegalArgumentException("RIFF size " + riffEnd + " is not the file's " + webp.length);
		}
		List<Chunk> chunks = new ArrayList<>();
		int position = 12;
		while (position < webp.length) {
			String type = new String(webp, position, 4, StandardCharsets.US_ASCII);
			int size = ByteBuffer.wrap(webp, position + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
			byte[] payload = new byte[size];
			System.arraycopy(webp, position + 8, payload, 0, size);
			chunks.add(new Chunk(type, payload));
			position += 8 + size + (size & 1);
		}
		return new WebpChunks(List.copyOf(chunks));
	}

	public List<String> types() {
		return this.chunks.stream().map(Chunk::type).toList();
	}

	/** The ANIM chunk's loop count, 0 for forever. */
	public int loopCount() {
		byte[] anim = only("ANIM");
		return (anim[4] & 0xFF) | ((anim[5] & 0xFF) << 8);
	}

	/** Each frame's duration in milliseconds. */
	public List<Integer> frameDurations() {
		return frames().stream().map((frame) -> uint24(frame, 12)).toList();
	}

	/** Each frame's width and height. */
	public List<List<Integer>> frameSizes() {
		return frames().stream().map((frame) -> List.of(uint24(frame, 6) + 1, uint24(frame, 9) + 1)).toList();
	}

	private List<byte[]> frames() {
		return this.chunks.stream().filter((chunk) -> chunk.type().equals("ANMF")).map(Chunk::payload).toList();
	}

	private byte[] only(String type) {
		return this.chunks.stream()
			.filter((chunk) -> chunk.type().equals(type))
			.map(Chunk::payload)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type + " chunk in " + types()));
	}

	private static int uint24(byte[] data, int offset) {
		return (data[offset] & 0xFF) | ((data[offset + 1] & 0xFF) << 8) | ((data[offset + 2] & 0xFF) << 16);
	}

}
