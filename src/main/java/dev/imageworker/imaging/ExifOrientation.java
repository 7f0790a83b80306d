package dev.imageworker.imaging;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the EXIF Orientation tag (1 to 8) from JPEG APP1, TIFF IFD0, PNG eXIf and WebP
 * EXIF chunks, without decoding the image. Anything unreadable counts as 1 (upright): a
 * damaged tag must not fail an otherwise good image.
 */
public final class ExifOrientation {

	public static final int UPRIGHT = 1;

	private static final int ORIENTATION_TAG = 0x0112;

	private ExifOrientation() {
	}

	public static int read(ImageFormat format, byte[] data) {
		try {
			return switch (format) {
				case JPEG -> fromJpeg(data);
				case TIFF -> fromTiff(data, 0, data.length);
				case PNG -> fromPng(data);
				case WEBP -> fromWebp(data);
				default -> UPRIGHT;
			};
		}
		catch (RuntimeException ex) {
			return UPRIGHT;
		}
	}

	/** Whether the orientation swaps width and height (the transposing ones, 5 to 8). */
	public static boolean swapsAxes(int orientation) {
		return orientation >= 5 && orientation <= 8;
	}

	private static int fromJpeg(byte[] data) {
		Integer orientation = JpegSegments.find(data,
				(marker, payload,
						end) -> (marker == 0xE1 && end - payload >= 6 && startsWith(data, payload, "Exif\0\0"))
								? fromTiff(data, payload + 6, end) : null);
		return (orientation != null) ? orientation : UPRIGHT;
	}

	private static int fromPng(byte[] data) {
		int pos = 8;
		while (pos + 8 <= data.length) {
			int length = ByteBuffer.wrap(data, pos, 4).getInt();
			String type = new String(data, pos + 4, 4, StandardCharsets.US_ASCII);
			if ("eXIf".equals(type)) {
				return fromTiff(data, pos + 8, Math.min(data.length, pos + 8 + length));
			}
			if ("IDAT".equals(type) || "IEND".equals(type) || length < 0) {
				return UPRIGHT;
			}
			pos += 12 + length;
		}
		return UPRIGHT;
	}

	private static int fromWebp(byte[] data) {
		int pos = 12;
		while (pos + 8 <= data.length) {
			String type = new String(data, pos, 4, StandardCharsets.US_ASCII);
			int length = ByteBuffer.wrap(data, pos + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
			if ("EXIF".equals(type)) {
				int start = pos + 8;
				// Some writers keep the JPEG "Exif\0\0" prefix inside the chunk.
				if (startsWith(data, start, "Exif\0\0")) {
					start += 6;
				}
				return fromTiff(data, start, Math.min(data.length, pos + 8 + length));
			}
			if (length < 0) {
				return UPRIGHT;
			}
			pos += 8 + length + (length & 1);
		}
		return UPRIGHT;
	}

	/** Reads IFD0 of the TIFF structure in data[start, end). */
	private static int fromTiff(byte[] data, int start, int end) {
		ByteBuffer tiff = ByteBuffer.wrap(data, start, end - start).slice();
		if (startsWith(data, start, "II")) {
			tiff.order(ByteOrder.LITTLE_ENDIAN);
		}
		else if (!startsWith(data, start, "MM")) {
			return UPRIGHT;
		}
		int ifd = tiff.getInt(4);
		int entries = tiff.getShort(ifd) & 0xFFFF;
		for (int i = 0; i < entries; i++) {
			int entry = ifd + 2 + i * 12;
			if ((tiff.getShort(entry) & 0xFFFF) == ORIENTATION_TAG) {
				int value = tiff.getShort(entry + 8) & 0xFFFF;
				return (value >= 1 && value <= 8) ? value : UPRIGHT;
			}
		}
		return UPRIGHT;
	}

	private static boolean startsWith(byte[] data, int offset, String prefix) {
		if (offset < 0 || data.length < offset + prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (data[offset + i] != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
