package dev.imageworker.imaging;

import java.awt.image.BufferedImage;

/** A Java image's pixels as native code and the placeholder take them. */
public final class Pixels {

	private Pixels() {
	}

	/**
	 * The pixels band-interleaved, 8 bits a sample: red, green, blue and, with
	 * {@code alpha}, straight (not premultiplied) alpha.
	 */
	public static byte[] interleaved(BufferedImage image, boolean alpha) {
		int bands = alpha ? 4 : 3;
		int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
		byte[] pixels = new byte[argb.length * bands];
		for (int i = 0; i < argb.length; i++) {
			pixels[bands * i] = (byte) (argb[i] >> 16);
			pixels[bands * i + 1] = (byte) (argb[i] >> 8);
			pixels[bands * i + 2] = (byte) argb[i];
			if (alpha) {
				pixels[bands * i + 3] = (byte) (argb[i] >>> 24);
			}
		}
		return pixels;
	}

}
