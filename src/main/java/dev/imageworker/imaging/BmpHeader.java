package dev.imageworker.imaging;

import java.util.Optional;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;

/**
 * What a BMP's file and info headers declare, read without a decoder, and what of it no
 * reader may be given.
 * <p>
 * A BMP compressed as {@code BI_JPEG} or {@code BI_PNG} carries a whole JPEG or PNG that
 * the JDK's BMP reader hands to a nested reader (TwelveMonkeys' delegates the same way):
 * the BMP header's size says nothing of the embedded stream's, which escapes the pixel
 * limit, the memory admission and cancellation. No camera or browser writes them, so they
 * are refused. The reader also allocates {@code biSizeImage} bytes for compressed data
 * (the file size less the data offset when that is 0) before it reads any, so a header
 * declaring more data than the file holds is refused before it does.
 *
 * @param fileSize {@code bfSize}, the file size the header declares
 * @param dataOffset {@code bfOffBits}, where the pixel data starts
 * @param compression {@code biCompression}; {@code BI_RGB} for an OS/2 1.x core header,
 * which has none
 * @param imageSize {@code biSizeImage}, the bytes of pixel data; 0 when the writer left
 * it to the reader
 */
record BmpHeader(long fileSize, long dataOffset, long compression, long imageSize) {

	private static final int BI_RGB = 0;

	private static final int BI_RLE8 = 1;

	private static final int BI_RLE4 = 2;

	private static final int BI_JPEG = 4;

	private static final int BI_PNG = 5;

	/** The size of an OS/2 1.x core header, the one info header without compression. */
	private static final int CORE_HEADER = 12;

	/** The file header and the info header up to and including {@code biSizeImage}. */
	private static final int HEADERS = 14 + 24;

	/**
	 * As the JDK's reader does, every info header but the core one is read as far as
	 * {@code biSizeImage}, whatever size it declares.
	 * @return the header, or empty when the data is too short to hold one
	 */
	static Optional<BmpHeader> read(byte[] bmp) {
		if (bmp.length >= 18 && uint32(bmp, 14) == CORE_HEADER) {
			return Optional.of(new BmpHeader(uint32(bmp, 2), uint32(bmp, 10), BI_RGB, 0));
		}
		if (bmp.length < HEADERS) {
			return Optional.empty();
		}
		return Optional.of(new BmpHeader(uint32(bmp, 2), uint32(bmp, 10), uint32(bmp, 30), uint32(bmp, 34)));
	}

	/**
	 * Refuses an embedded JPEG or PNG as an unsupported format, and pixel data the file
	 * cannot hold as a damaged image.
	 * @param fileLength the bytes the file really has
	 */
	void check(long fileLength) {
		if (this.compression == BI_JPEG || this.compression == BI_PNG) {
			throw new PermanentFailure(FailureCode.UNSUPPORTED_FORMAT,
					"a BMP carrying an embedded " + ((this.compression == BI_JPEG) ? "JPEG" : "PNG")
							+ " stream (biCompression " + this.compression + ") is not supported");
		}
		long available = fileLength - this.dataOffset;
		if (available < 0) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE,
					"BMP pixel data starts at " + this.dataOffset + ", past the end of its " + fileLength + " bytes");
		}
		if (this.imageSize > available) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE,
					"BMP declares " + this.imageSize + " bytes of pixel data where the file holds " + available);
		}
		boolean runLength = this.compression == BI_RLE8 || this.compression == BI_RLE4;
		if (runLength && this.imageSize == 0 && this.fileSize - this.dataOffset > available) {
			throw new PermanentFailure(FailureCode.CORRUPT_IMAGE, "BMP declares a file of " + this.fileSize
					+ " bytes, more than its " + fileLength + ", to hold its run-length data");
		}
	}

	private static long uint32(byte[] data, int offset) {
		return (data[offset] & 0xFFL) | (data[offset + 1] & 0xFFL) << 8 | (data[offset + 2] & 0xFFL) << 16
				| (data[offset + 3] & 0xFFL) << 24;
	}

}
