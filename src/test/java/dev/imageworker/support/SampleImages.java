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

}
