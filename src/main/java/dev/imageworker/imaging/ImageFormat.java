package dev.imageworker.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;

/**
 * Image formats told apart by their magic bytes, never by a key's extension or
 * Content-Type.
 */
public enum ImageFormat {

	JPEG, PNG, GIF, WEBP, TIFF, BMP, HEIF, AVIF;

	/** The format of the data, or {@code UNSUPPORTED_FORMAT} for anything unknown. */
	public static ImageFormat require(byte[] data) {
		return sniff(data).orElseThrow(() -> new PermanentFailure(FailureCode.UNSUPPORTED_FORMAT,
				(data.length == 0) ? "empty object" : "not an image of a known format"));
	}

	public static Optional<ImageFormat> sniff(byte[] data) {
		if (startsWith(data, 0, 0xFF, 0xD8, 0xFF)) {
			return Optional.of(JPEG);
		}
		if (startsWith(data, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
			return Optional.of(PNG);
		}
		if (startsWithAscii(data, 0, "GIF87a") || startsWithAscii(data, 0, "GIF89a")) {
			return Optional.of(GIF);
		}
		if (startsWithAscii(data, 0, "RIFF") && startsWithAscii(data, 8, "WEBP")) {
			return Optional.of(WEBP);
		}
		if (startsWith(data, 0, 'I', 'I', 42, 0) || startsWith(data, 0, 'M', 'M', 0, 42)) {
			return Optional.of(TIFF);
		}
		if (startsWithAscii(data, 0, "BM") && data.length >= 26) {
			return Optional.of(BMP);
		}
		if (startsWithAscii(data, 4, "ftyp") && data.length >= 12) {
			String brand = new String(data, 8, 4, StandardCharsets.US_ASCII);
			if (brand.startsWith("avi")) {
				return Optional.of(AVIF);
			}
			if (Arrays.asList("heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1").contains(brand)) {
				return Optional.of(HEIF);
			}
		}
		return Optional.empty();
	}

	private static boolean startsWith(byte[] data, int offset, int... magic) {
		if (data.length < offset + magic.length) {
			return false;
		}
		for (int i = 0; i < magic.length; i++) {
			if ((data[offset + i] & 0xFF) != magic[i]) {
				return false;
			}
		}
		return true;
	}

	private static boolean startsWithAscii(byte[] data, int offset, String magic) {
		return startsWith(data, offset, magic.chars().toArray());
	}

}
