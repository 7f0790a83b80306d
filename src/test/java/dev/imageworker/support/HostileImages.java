package dev.imageworker.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Files a hostile user would upload, written byte by byte in a few KB: headers that hide
 * or misstate what a decoder would allocate (a BMP around a JPEG or PNG, a lossless JPEG,
 * a BMP declaring gigabytes of data, a GIF whose frame outgrows its screen, an interlaced
 * PNG), and a BMP that names a colour profile by path.
 */
public final class HostileImages {

	/** biCompression of a BMP that carries a JPEG stream. */
	public static final int BI_JPEG = 4;

	/** biCompression of a BMP that carries a PNG stream. */
	public static final int BI_PNG = 5;

	private static final int BI_RLE8 = 1;

	private static final int FILE_HEADER = 14;

	private static final int INFO_HEADER = 40;

	private HostileImages() {
	}

	/**
	 * A 10x10 BMP whose pixel data is the stream, compressed as {@code BI_JPEG} or
	 * {@code BI_PNG}: its own header says nothing of the stream's size.
	 */
	public static byte[] bmpAround(int compression, byte[] stream) {
		ByteBuffer bmp = bmpHeaders(FILE_HEADER + INFO_HEADER + stream.length, FILE_HEADER + INFO_HEADER, INFO_HEADER);
		bmp.putInt(10).putInt(10).putShort((short) 1).putShort((short) 0).putInt(compression).putInt(stream.length);
		bmp.putInt(2835).putInt(2835).putInt(0).putInt(0);
		bmp.put(stream);
		return bmp.array();
	}

	/**
	 * A progressive JPEG whose frame header declares the size, cut after its first scan
	 * began: a few hundred bytes.
	 */
	public static byte[] cutProgressiveJpeg(int width, int height) {
		byte[] jpeg = SampleImages.withDeclaredSize(SampleImages.progressiveJpeg(64, 48), width, height);
		return Arrays.copyOf(jpeg, Math.min(jpeg.length, 600));
	}

	/**
	 * A lossless JPEG (SOF3) of one 8-bit component declaring the size: its frame header,
	 * a Huffman table of one code, a scan and a few bytes of data.
	 */
	public static byte[] losslessJpeg(int width, int height) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xD8 });
		// SOF3: precision 8, the size, one component with 1x1 sampling.
		out.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xC3, 0, 11, 8, (byte) (height >> 8), (byte) height,
				(byte) (width >> 8), (byte) width, 1, 1, 0x11, 0 });
		// DHT: DC table 0 of one code of length 1, for difference category 0.
		byte[] dht = new byte[2 + 2 + 1 + 16 + 1];
		dht[0] = (byte) 0xFF;
		dht[1] = (byte) 0xC4;
		dht[3] = (byte) (dht.length - 2);
		dht[4] = 0x00;
		dht[5] = 1;
		out.writeBytes(dht);
		// SOS: one component on table 0, predictor 1, no point transform.
		out.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xDA, 0, 8, 1, 1, 0x00, 1, 0, 0 });
		out.writeBytes(new byte[16]);
		out.writeBytes(new byte[] { (byte) 0xFF, (byte) 0xD9 });
		return out.toByteArray();
	}

	/**
	 * A 10x10 8-bit BMP run-length encoded ({@code BI_RLE8}) whose header declares the
	 * given bytes of pixel data; the file holds a few.
	 */
	public static byte[] rle8BmpDeclaring(long imageSize) {
		byte[] rows = new byte[10 * 4 + 2];
		for (int y = 0; y < 10; y++) {
			// A run of 10 pixels of colour 1, then end of line.
			rows[4 * y] = 10;
			rows[4 * y + 1] = 1;
		}
		// End of bitmap.
		rows[rows.length - 1] = 1;
		int palette = 2 * 4;
		int offset = FILE_HEADER + INFO_HEADER + palette;
		ByteBuffer bmp = bmpHeaders(offset + rows.length, offset, INFO_HEADER);
		bmp.putInt(10).putInt(10).putShort((short) 1).putShort((short) 8).putInt(BI_RLE8).putInt((int) imageSize);
		bmp.putInt(2835).putInt(2835).putInt(2).putInt(0);
		bmp.putInt(0).putInt(0x00C83232);
		bmp.put(rows);
		return bmp.array();
	}

	/**
	 * A 2x2 24-bit BMP (a V5 header) whose colour space is a profile linked by path, as
	 * {@code PROFILE_LINKED} allows: a reader that honours it opens the path.
	 */
	public static byte[] bmpWithLinkedProfile(String path) {
		int v5 = 124;
		byte[] pixels = new byte[2 * 8];
		Arrays.fill(pixels, (byte) 0x80);
		byte[] profile = path.getBytes(StandardCharsets.ISO_8859_1);
		int offset = FILE_HEADER + v5;
		ByteBuffer bmp = bmpHeaders(offset + pixels.length + profile.length, offset, v5);
		bmp.putInt(2).putInt(2).putShort((short) 1).putShort((short) 24).putInt(0).putInt(pixels.length);
		bmp.putInt(2835).putInt(2835).putInt(0).putInt(0);
		// Channel masks, unused at 24 bits.
		bmp.putInt(0).putInt(0).putInt(0).putInt(0);
		// PROFILE_LINKED ('LINK'), then endpoints and gammas, unused.
		bmp.putInt(0x4C494E4B);
		bmp.put(new byte[36 + 12]);
		// Intent, then where the profile's path is (from the info header) and its length.
		bmp.putInt(4).putInt(v5 + pixels.length).putInt(profile.length).putInt(0);
		bmp.put(pixels);
		bmp.put(profile);
		return bmp.array();
	}

	/**
	 * A valid Adam7-interlaced greyscale PNG of black pixels: a decoder that cannot
	 * stream the passes holds the whole image, whose rows deflate to a few hundred KB.
	 */
	public static byte[] interlacedPng(int width, int height) {
		int[][] passes = { { 0, 0, 8, 8 }, { 4, 0, 8, 8 }, { 0, 4, 4, 8 }, { 2, 0, 4, 4 }, { 0, 2, 2, 4 },
				{ 1, 0, 2, 2 }, { 0, 1, 1, 2 } };
		ByteArrayOutputStream idat = new ByteArrayOutputStream();
		try (DeflaterOutputStream deflate = new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_SPEED),
				1 << 16)) {
			for (int[] pass : passes) {
				int passWidth = (width > pass[0]) ? Math.ceilDiv(width - pass[0], pass[2]) : 0;
				int passHeight = (height > pass[1]) ? Math.ceilDiv(height - pass[1], pass[3]) : 0;
				if (passWidth == 0) {
					continue;
				}
				// Filter byte 0, then one byte a pixel.
				byte[] row = new byte[1 + passWidth];
				for (int y = 0; y < passHeight; y++) {
					deflate.write(row);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		byte[] png = SampleImages.png(width, height, 8, 0, idat.toByteArray());
		// The IHDR's interlace method, after the signature, the chunk's length and type,
		// and twelve bytes of fields.
		png[8 + 8 + 12] = 1;
		fixIhdrCrc(png);
		return png;
	}

	/**
	 * A valid GIF whose logical screen is one size and whose single frame, at the top
	 * left, another: every pixel colour 0 of a black-and-white palette, LZW-coded to
	 * about a byte per thousand pixels.
	 */
	public static byte[] gif(int screenWidth, int screenHeight, int frameWidth, int frameHeight) {
		ByteArrayOutputStream out = gifScreen(screenWidth, screenHeight);
		gifFrame(out, 0, 0, frameWidth, frameHeight, false);
		int minimumCodeSize = 2;
		out.write(minimumCodeSize);
		byte[] codes = lzwOfZeros((long) frameWidth * frameHeight, minimumCodeSize);
		for (int start = 0; start < codes.length; start += 255) {
			int length = Math.min(255, codes.length - start);
			out.write(length);
			out.write(codes, start, length);
		}
		out.write(0);
		out.write(0x3B);
		return out.toByteArray();
	}

	/**
	 * A GIF of a logical screen and frames ({left, top, width, height}) without pixel
	 * data, as a header walker reads it: a comment first, each frame after a graphic
	 * control extension, the second with a local colour table.
	 */
	public static byte[] gifHeaders(int screenWidth, int screenHeight, int[]... frames) {
		ByteArrayOutputStream out = gifScreen(screenWidth, screenHeight);
		out.writeBytes("!\u00FE\u0005hello\u0000".getBytes(StandardCharsets.ISO_8859_1));
		for (int i = 0; i < frames.length; i++) {
			int[] frame = frames[i];
			out.writeBytes(new byte[] { 0x21, (byte) 0xF9, 4, 0, 10, 0, 0, 0 });
			gifFrame(out, frame[0], frame[1], frame[2], frame[3], i == 1);
			// LZW code size, one sub-block of two bytes, the terminator.
			out.writeBytes(new byte[] { 2, 2, 0x44, 0x01, 0 });
		}
		out.write(0x3B);
		return out.toByteArray();
	}

	/** The signature and a logical screen with a global colour table, black and white. */
	private static ByteArrayOutputStream gifScreen(int width, int height) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
		out.writeBytes(ByteBuffer.allocate(7)
			.order(ByteOrder.LITTLE_ENDIAN)
			.putShort((short) width)
			.putShort((short) height)
			// A global colour table of two entries.
			.put((byte) 0x80)
			.put((byte) 0)
			.put((byte) 0)
			.array());
		out.writeBytes(new byte[] { 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF });
		return out;
	}

	/** An image descriptor, with a local colour table of eight entries if asked. */
	private static void gifFrame(ByteArrayOutputStream out, int left, int top, int width, int height,
			boolean localTable) {
		out.writeBytes(ByteBuffer.allocate(10)
			.order(ByteOrder.LITTLE_ENDIAN)
			.put((byte) 0x2C)
			.putShort((short) left)
			.putShort((short) top)
			.putShort((short) width)
			.putShort((short) height)
			.put((byte) (localTable ? 0x82 : 0))
			.array());
		if (localTable) {
			out.writeBytes(new byte[3 * 8]);
		}
	}

	/**
	 * GIF's variable-width LZW of that many zeros: each code stands for the longest run
	 * already in the table, and a clear code starts over when the table is full.
	 */
	private static byte[] lzwOfZeros(long pixels, int minimumCodeSize) {
		int clear = 1 << minimumCodeSize;
		int end = clear + 1;
		BitWriter bits = new BitWriter();
		int width = minimumCodeSize + 1;
		bits.write(clear, width);
		// With only zeros, the table's entries are runs: entry next stands for a run one
		// longer than the code before it, so a run's code is known from its length.
		int next = end + 1;
		long longestRun = 1;
		long left = pixels;
		while (left > 0) {
			long run = Math.min(longestRun, left);
			// Runs of length 1 are the literal 0; longer ones the entry added for them.
			bits.write((run == 1) ? 0 : (int) (end + run - 1), width);
			left -= run;
			if (left == 0) {
				break;
			}
			if (next == 4096) {
				bits.write(clear, width);
				width = minimumCodeSize + 1;
				next = end + 1;
				longestRun = 1;
				continue;
			}
			if (next >= (1 << width)) {
				width++;
			}
			next++;
			longestRun = Math.min(longestRun + 1, run + 1);
		}
		bits.write(end, width);
		return bits.toByteArray();
	}

	private static ByteBuffer bmpHeaders(int fileSize, int dataOffset, int infoSize) {
		ByteBuffer bmp = ByteBuffer.allocate(fileSize).order(ByteOrder.LITTLE_ENDIAN);
		bmp.put((byte) 'B').put((byte) 'M').putInt(fileSize).putInt(0).putInt(dataOffset);
		bmp.putInt(infoSize);
		return bmp;
	}

	private static void fixIhdrCrc(byte[] png) {
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(png, 12, 4 + 13);
		ByteBuffer.wrap(png, 12 + 4 + 13, 4).putInt((int) crc.getValue());
	}

	/** Codes packed least significant bit first, as GIF packs them. */
	private static final class BitWriter {

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		private int pending;

		private int count;

		void write(int code, int width) {
			this.pending |= code << this.count;
			this.count += width;
			while (this.count >= 8) {
				this.out.write(this.pending & 0xFF);
				this.pending >>>= 8;
				this.count -= 8;
			}
		}

		byte[] toByteArray() {
			if (this.count > 0) {
				this.out.write(this.pending & 0xFF);
				this.pending = 0;
				this.count = 0;
			}
			return this.out.toByteArray();
		}

	}

}
