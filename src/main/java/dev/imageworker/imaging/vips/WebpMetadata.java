package dev.imageworker.imaging.vips;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Takes the EXIF and XMP chunks out of a WebP file. libvips 8.14's WebP saver writes an
 * EXIF chunk of its own making (resolution and size) even when told to strip metadata; no
 * other saver does, and no output of the worker carries metadata.
 */
final class WebpMetadata {

	private static final int HEADER = 12;

	private static final int CHUNK_HEADER = 8;

	/** VP8X flags: EXIF and XMP present. */
	private static final int EXIF_FLAG = 0x08;

	private static final int XMP_FLAG = 0x04;

	private WebpMetadata() {
	}

	/**
	 * The file without its EXIF and XMP chunks, and its VP8X flags and RIFF size to
	 * match; the file as it is when it has none.
	 * @throws IllegalArgumentException when the chunks do not add up to the file
	 */
	static byte[] strip(byte[] webp) {
		ByteArrayOutputStream kept = new ByteArrayOutputStream(webp.length);
		kept.write(webp, 0, HEADER);
		boolean removed = false;
		int flagsAt = -1;
		int position = HEADER;
		while (position < webp.length) {
			if (position + CHUNK_HEADER > webp.length) {
				throw new IllegalArgumentException("a WebP chunk header runs past the end of the file");
			}
			String type = new String(webp, position, 4, StandardCharsets.US_ASCII);
			long size = ByteBuffer.wrap(webp, position + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
			long end = position + CHUNK_HEADER + size + (size & 1);
			if (end > webp.length) {
				throw new IllegalArgumentException("the WebP chunk " + type + " runs past the end of the file");
			}
			if (type.equals("EXIF") || type.equals("XMP ")) {
				removed = true;
			}
			else {
				if (type.equals("VP8X")) {
					flagsAt = kept.size() + CHUNK_HEADER;
				}
				kept.write(webp, position, (int) (end - position));
			}
			position = (int) end;
		}
		if (!removed) {
			return webp;
		}
		byte[] stripped = kept.toByteArray();
		ByteBuffer.wrap(stripped, 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(stripped.length - 8);
		if (flagsAt >= 0) {
			stripped[flagsAt] &= (byte) ~(EXIF_FLAG | XMP_FLAG);
		}
		return stripped;
	}

}
