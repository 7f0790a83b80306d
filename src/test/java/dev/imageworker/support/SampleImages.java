package dev.imageworker.support;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import javax.imageio.ImageIO;

/**
 * Test images drawn in code, so nothing large is kept in git: photos-like gradients,
 * alpha, EXIF orientation, truncation.
 */
public final class SampleImages {

	private SampleImages() {
	}

	/** A landscape picture with a red marker in its top-left corner. */
	public static BufferedImage picture(int width, int height, boolean alpha) {
		BufferedImage image = new BufferedImage(width, height,
				alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			if (alpha) {
				g.setComposite(java.awt.AlphaComposite.Clear);
				g.fillRect(0, 0, width, height);
				g.setComposite(java.awt.AlphaComposite.SrcOver);
				g.setColor(new Color(20, 90, 200));
				g.fillOval(width / 4, height / 4, width / 2, height / 2);
			}
			else {
				g.setPaint(new GradientPaint(0, 0, new Color(30, 60, 140), width, height, new Color(240, 180, 60)));
				g.fillRect(0, 0, width, height);
				g.setColor(new Color(40, 140, 60));
				g.fillOval(width / 3, height / 3, width / 3, height / 3);
				g.setColor(Color.RED);
				g.fillRect(0, 0, width / 8, height / 8);
			}
		}
		finally {
			g.dispose();
		}
		return image;
	}

	public static byte[] jpeg(int width, int height) {
		return encode(picture(width, height, false), "jpeg");
	}

	public static byte[] png(int width, int height, boolean alpha) {
		return encode(picture(width, height, alpha), "png");
	}

	public static byte[] encode(BufferedImage image, String format) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try {
			if (!ImageIO.write(image, format, out)) {
				throw new IllegalStateException("no ImageIO writer for " + format);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * The JPEG with an EXIF APP1 segment carrying the given Orientation, right after SOI.
	 */
	public static byte[] withOrientation(byte[] jpeg, int orientation) {
		ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4);
		tiff.put(new byte[] { 'M', 'M', 0, 42 }).putInt(8);
		tiff.putShort((short) 1);
		tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
		tiff.putInt(0);
		byte[] exif = tiff.array();
		int length = 2 + 6 + exif.length;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(jpeg, 0, 2);
		out.write(0xFF);
		out.write(0xE1);
		out.write(length >> 8);
		out.write(length & 0xFF);
		out.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		out.writeBytes(exif);
		out.write(jpeg, 2, jpeg.length - 2);
		return out.toByteArray();
	}

	/** The first part of an encoded image, as an interrupted upload leaves it. */
	public static byte[] truncated(byte[] image, double keep) {
		return Arrays.copyOf(image, (int) (image.length * keep));
	}

	public static BufferedImage decode(byte[] image) {
		try {
			BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(image));
			if (decoded == null) {
				throw new IllegalStateException("not a readable image");
			}
			return decoded;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A flat picture in one colour. */
	public static BufferedImage flat(int width, int height, Color color) {
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		Graphics2D g = image.createGraphics();
		try {
			g.setColor(color);
			g.fillRect(0, 0, width, height);
		}
		finally {
			g.dispose();
		}
		return image;
	}

	/**
	 * A palette PNG of four flat vertical bands, the kind that shows dithering streaks
	 * when a renderer mishandles palettes.
	 */
	public static byte[] palettePng(int width, int height) {
		Color[] bands = { new Color(200, 30, 30), new Color(30, 160, 60), new Color(40, 60, 200),
				new Color(230, 200, 40) };
		byte[] r = new byte[bands.length];
		byte[] g = new byte[bands.length];
		byte[] b = new byte[bands.length];
		for (int i = 0; i < bands.length; i++) {
			r[i] = (byte) bands[i].getRed();
			g[i] = (byte) bands[i].getGreen();
			b[i] = (byte) bands[i].getBlue();
		}
		BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED,
				new java.awt.image.IndexColorModel(2, bands.length, r, g, b));
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < width; x++) {
				image.getRaster().setSample(x, y, 0, x * bands.length / width);
			}
		}
		return encode(image, "png");
	}

	/** A progressive JPEG, as many web exports are. */
	public static byte[] progressiveJpeg(int width, int height) {
		javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (javax.imageio.stream.MemoryCacheImageOutputStream stream = new javax.imageio.stream.MemoryCacheImageOutputStream(
				out)) {
			writer.setOutput(stream);
			javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
			param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
			writer.write(null, new javax.imageio.IIOImage(picture(width, height, false), null, null), param);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			writer.dispose();
		}
		return out.toByteArray();
	}

	/**
	 * The JPEG with an APP segment (marker 0xE0 to 0xEF, or 0xFE for a comment) inserted
	 * right after SOI.
	 */
	public static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
		int length = 2 + payload.length;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(jpeg, 0, 2);
		out.write(0xFF);
		out.write(marker);
		out.write(length >> 8);
		out.write(length & 0xFF);
		out.writeBytes(payload);
		out.write(jpeg, 2, jpeg.length - 2);
		return out.toByteArray();
	}

	/** The JPEG with an embedded ICC profile (APP2, a single chunk). */
	public static byte[] withIccProfile(byte[] jpeg, java.awt.color.ICC_Profile profile) {
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		payload.writeBytes("ICC_PROFILE\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		payload.write(1);
		payload.write(1);
		payload.writeBytes(profile.getData());
		return withSegment(jpeg, 0xE2, payload.toByteArray());
	}

	/**
	 * An EXIF APP1 payload with IFD0 holding a GPS IFD pointer and a GPS IFD with a
	 * latitude reference, enough for a reader to report GPS data.
	 */
	public static byte[] exifWithGps() {
		ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4 + 2 + 12 + 4);
		tiff.put(new byte[] { 'M', 'M', 0, 42 }).putInt(8);
		tiff.putShort((short) 1);
		tiff.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26);
		tiff.putInt(0);
		tiff.putShort((short) 1);
		tiff.putShort((short) 1).putShort((short) 2).putInt(2).put(new byte[] { 'N', 0, 0, 0 });
		tiff.putInt(0);
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		payload.writeBytes("Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
		payload.writeBytes(tiff.array());
		return payload.toByteArray();
	}

	/**
	 * The JPEG with the frame header (SOF) claiming another size: a header that lies
	 * about the pixels that follow.
	 */
	public static byte[] withDeclaredSize(byte[] jpeg, int width, int height) {
		byte[] copy = jpeg.clone();
		for (int pos = 2; pos + 9 < copy.length;) {
			int marker = copy[pos + 1] & 0xFF;
			if (marker >= 0xC0 && marker <= 0xC2) {
				copy[pos + 5] = (byte) (height >> 8);
				copy[pos + 6] = (byte) height;
				copy[pos + 7] = (byte) (width >> 8);
				copy[pos + 8] = (byte) width;
				return copy;
			}
			pos += 2 + (((copy[pos + 2] & 0xFF) << 8) | (copy[pos + 3] & 0xFF));
		}
		throw new IllegalArgumentException("no frame header");
	}

	/**
	 * The JPEG with one stray byte right before the first segment with the marker:
	 * libjpeg skips it with a warning ("extraneous bytes before marker"), a strict parser
	 * stops.
	 */
	public static byte[] withStrayByteBefore(byte[] jpeg, int marker) {
		for (int pos = 2; pos + 4 <= jpeg.length;) {
			if ((jpeg[pos + 1] & 0xFF) == marker) {
				byte[] copy = new byte[jpeg.length + 1];
				System.arraycopy(jpeg, 0, copy, 0, pos);
				copy[pos] = 0x2A;
				System.arraycopy(jpeg, pos, copy, pos + 1, jpeg.length - pos);
				return copy;
			}
			pos += 2 + (((jpeg[pos + 2] & 0xFF) << 8) | (jpeg[pos + 3] & 0xFF));
		}
		throw new IllegalArgumentException("no segment with marker " + Integer.toHexString(marker));
	}

	/**
	 * A decompression bomb: a greyscale PNG whose header declares width x height pixels
	 * and whose data is a deflated stream of blank rows, cut after the first megabyte of
	 * raw rows since a pixel limit must refuse it from the header alone.
	 */
	public static byte[] pngBomb(int width, int height) {
		java.util.zip.Deflater deflater = new java.util.zip.Deflater(9);
		deflater.setInput(new byte[1 << 20]);
		deflater.finish();
		byte[] idat = new byte[1 << 16];
		int length = deflater.deflate(idat);
		deflater.end();
		return png(width, height, 8, 0, Arrays.copyOf(idat, length));
	}

	/**
	 * A valid RGB PNG of black rows, width x height pixels in a few MB: every decoder has
	 * to inflate and unfilter (Paeth) all of it, so it is slow to render without being
	 * damaged.
	 */
	public static byte[] blankPng(int width, int height) {
		java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_SPEED);
		byte[] row = new byte[3 * width + 1];
		row[0] = 4;
		byte[] buffer = new byte[1 << 16];
		ByteArrayOutputStream idat = new ByteArrayOutputStream();
		for (int y = 0; y < height; y++) {
			deflater.setInput(row);
			while (!deflater.needsInput()) {
				idat.write(buffer, 0, deflater.deflate(buffer));
			}
		}
		deflater.finish();
		while (!deflater.finished()) {
			idat.write(buffer, 0, deflater.deflate(buffer));
		}
		deflater.end();
		return png(width, height, 8, 2, idat.toByteArray());
	}

	/**
	 * A PNG signature and IHDR chunk only: all that a header check reads.
	 * @param colourType 0 grey, 2 RGB, 3 palette, 4 grey and alpha, 6 RGBA
	 */
	public static byte[] pngHeader(int width, int height, int bitDepth, int colourType) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(new byte[] { (byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A });
		pngChunk(out, "IHDR",
				ByteBuffer.allocate(13)
					.putInt(width)
					.putInt(height)
					.put((byte) bitDepth)
					.put((byte) colourType)
					.put((byte) 0)
					.put((byte) 0)
					.put((byte) 0)
					.array());
		return out.toByteArray();
	}

	/** A PNG of the given header around rows already filtered and deflated. */
	public static byte[] png(int width, int height, int bitDepth, int colourType, byte[] deflatedRows) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(pngHeader(width, height, bitDepth, colourType));
		pngChunk(out, "IDAT", deflatedRows);
		pngChunk(out, "IEND", new byte[0]);
		return out.toByteArray();
	}

	private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
		byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		crc.update(typeBytes);
		crc.update(data);
		out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
		out.writeBytes(typeBytes);
		out.writeBytes(data);
		out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}

	/**
	 * An SVG whose image element references a local file, as a request forgery through
	 * the renderer would.
	 */
	public static byte[] svgWithExternalImage() {
		return ("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
				+ "<image href=\"file:///etc/passwd\" width=\"10\" height=\"10\"/></svg>")
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	/**
	 * A hand-written one-page PDF, 10 points square; readers rebuild the missing xref.
	 */
	public static byte[] pdf() {
		return ("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
				+ "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
				+ "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
			.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
	}

	/** A 1x1 RGB Photoshop document ("8BPS"), uncompressed and without layers. */
	public static byte[] psd() {
		return ByteBuffer.allocate(26 + 4 + 4 + 4 + 2 + 3)
			.put("8BPS".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
			.putShort((short) 1)
			.put(new byte[6])
			.putShort((short) 3)
			.putInt(1)
			.putInt(1)
			.putShort((short) 8)
			.putShort((short) 3)
			.putInt(0)
			.putInt(0)
			.putInt(0)
			.putShort((short) 0)
			.put(new byte[] { (byte) 200, 30, 30 })
			.array();
	}

	/** Whether ImageMagick's {@code convert} is on the PATH. */
	public static boolean hasImageMagick() {
		try {
			return new ProcessBuilder("convert", "-version").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start()
				.waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Runs ImageMagick's {@code convert} with the arguments and returns what it writes to
	 * stdout (name the output {@code format:-}), for images Java cannot write: CMYK,
	 * animated GIF and WebP, 16-bit RGB PNG, HEIC.
	 */
	public static byte[] imageMagick(String... arguments) {
		java.util.List<String> command = new java.util.ArrayList<>();
		command.add("convert");
		command.addAll(java.util.List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (process.waitFor() != 0 || output.length == 0) {
				throw new IllegalStateException("convert failed: " + command);
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
