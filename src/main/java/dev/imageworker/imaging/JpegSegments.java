package dev.imageworker.imaging;

import org.jspecify.annotations.Nullable;

/**
 * Walks the marker segments of a JPEG's header, from SOI up to the first scan, without
 * decoding anything.
 */
final class JpegSegments {

	private static final int START_OF_IMAGE = 0xD8;

	private static final int START_OF_SCAN = 0xDA;

	private static final int END_OF_IMAGE = 0xD9;

	private JpegSegments() {
	}

	/** Looks at one segment: its marker and its payload, data[payload, end). */
	@FunctionalInterface
	interface Visitor<T> {

		/**
		 * @return what was looked for, or null to go on to the next segment
		 */
		@Nullable T visit(int marker, int payload, int end);

	}

	/**
	 * @return the first non-null answer of the visitor, or null when the header ends, is
	 * damaged or no segment answers
	 */
	static <T> @Nullable T find(byte[] data, Visitor<T> visitor) {
		if (data.length < 2 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != START_OF_IMAGE) {
			return null;
		}
		int pos = 2;
		while (pos + 4 <= data.length) {
			if ((data[pos] & 0xFF) != 0xFF) {
				// Extraneous bytes before a marker: libjpeg warns and skips to the next
				// 0xFF, so a decoder reads the segments behind them, and so must this.
				pos++;
				continue;
			}
			int marker = data[pos + 1] & 0xFF;
			if (marker == 0xFF) {
				// Fill byte before a marker.
				pos++;
				continue;
			}
			if (marker == 0x00) {
				// A stuffed 0xFF among extraneous bytes is no marker either.
				pos += 2;
				continue;
			}
			if (marker == START_OF_SCAN || marker == END_OF_IMAGE) {
				return null;
			}
			int length = ((data[pos + 2] & 0xFF) << 8) | (data[pos + 3] & 0xFF);
			if (length < 2) {
				return null;
			}
			T found = visitor.visit(marker, pos + 4, Math.min(data.length, pos + 2 + length));
			if (found != null) {
				return found;
			}
			pos += 2 + length;
		}
		return null;
	}

}
