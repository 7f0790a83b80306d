package dev.imageworker.imaging;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/** Applies an EXIF orientation to decoded pixels, so every output is upright. */
final class Orientation {

	private Orientation() {
	}

	static BufferedImage apply(BufferedImage image, int orientation) {
		if (orientation <= ExifOrientation.UPRIGHT || orientation > 8) {
			return image;
		}
		int w = image.getWidth();
		int h = image.getHeight();
		boolean swap = ExifOrientation.swapsAxes(orientation);
		BufferedImage upright = new BufferedImage(swap ? h : w, swap ? w : h,
				image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
		Graphics2D g = upright.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
			g.drawImage(image, transform(orientation, w, h), null);
		}
		finally {
			g.dispose();
		}
		return upright;
	}

	/** Maps source pixel edges (x, y) of a w x h image onto the upright image. */
	static AffineTransform transform(int orientation, int w, int h) {
		return switch (orientation) {
			case 2 -> new AffineTransform(-1, 0, 0, 1, w, 0);
			case 3 -> new AffineTransform(-1, 0, 0, -1, w, h);
			case 4 -> new AffineTransform(1, 0, 0, -1, 0, h);
			case 5 -> new AffineTransform(0, 1, 1, 0, 0, 0);
			case 6 -> new AffineTransform(0, 1, -1, 0, h, 0);
			case 7 -> new AffineTransform(0, -1, -1, 0, h, w);
			case 8 -> new AffineTransform(0, -1, 1, 0, 0, w);
			default -> new AffineTransform();
		};
	}

}
