package dev.imageworker.imaging;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * ThumbHash, the placeholder format of evanw/thumbhash: about 25 bytes holding an image's
 * average colour, a few cosine terms of its luminance, colour and alpha, and its aspect
 * ratio, which a client draws as a blurred preview while the image loads.
 * <p>
 * The encoder writes the bytes the reference encoder writes for the same pixels: the same
 * conversion to the L (luminance), P (yellow-blue), Q (red-green) and A channels, the
 * same terms in the same order, each summed over the pixels in the reference's order and
 * with its cosines, so that even the varying terms of a flat image, which are rounding
 * noise, come out the same. Only the decoding a server needs is here: the average colour,
 * the alpha flag and the aspect ratio.
 */
public final class ThumbHash {

	/** The longest side the format encodes; larger images are resized first. */
	public static final int MAX_SIDE = 100;

	// Each alpha byte's opacity (alpha / 255) and that over 255, computed as the
	// reference computes them for every pixel, so that a pixel takes lookups rather than
	// divisions.
	private static final double[] OPACITY = new double[256];

	private static final double[] OPACITY_PER_LEVEL = new double[256];

	// The most terms a channel has along a side: the luminance's of an opaque image.
	private static final int MAX_TERMS = 7;

	// The cosine basis of each side length, computed on first use and kept for every
	// later image of that side. StrictMath with the reference's expression gives the same
	// cosines on every JVM, and the reference's bytes; Math.cos differs in the last bit
	// often enough to change a varying term of a flat image.
	private static final AtomicReferenceArray<double[][]> COSINES = new AtomicReferenceArray<>(MAX_SIDE + 1);

	static {
		for (int alpha = 0; alpha < 256; alpha++) {
			OPACITY[alpha] = alpha / 255.0;
			OPACITY_PER_LEVEL[alpha] = OPACITY[alpha] / 255;
		}
	}

	private ThumbHash() {
	}

	/**
	 * The ThumbHash of an image.
	 * @param width width in pixels, 1 to {@value #MAX_SIDE}
	 * @param height height in pixels, 1 to {@value #MAX_SIDE}
	 * @param rgba sRGB pixels row by row, 4 bytes each, alpha not premultiplied
	 * @return the hash, at most 25 bytes
	 */
	public static byte[] encode(int width, int height, byte[] rgba) {
		if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
			throw new IllegalArgumentException(
					"a ThumbHash needs 1 to " + MAX_SIDE + " pixels a side, not " + width + "x" + height);
		}
		int pixels = width * height;
		if (rgba.length != pixels * 4) {
			throw new IllegalArgumentException(
					width + "x" + height + " RGBA takes " + pixels * 4 + " bytes, not " + rgba.length);
		}

		double averageRed = 0;
		double averageGreen = 0;
		double averageBlue = 0;
		double totalAlpha = 0;
		for (int i = 0; i < pixels * 4; i += 4) {
			int alpha = rgba[i + 3] & 0xff;
			averageRed += OPACITY_PER_LEVEL[alpha] * (rgba[i] & 0xff);
			averageGreen += OPACITY_PER_LEVEL[alpha] * (rgba[i + 1] & 0xff);
			averageBlue += OPACITY_PER_LEVEL[alpha] * (rgba[i + 2] & 0xff);
			totalAlpha += OPACITY[alpha];
		}
		if (totalAlpha > 0) {
			averageRed /= totalAlpha;
			averageGreen /= totalAlpha;
			averageBlue /= totalAlpha;
		}

		boolean hasAlpha = totalAlpha < pixels;
		// Alpha takes bytes of its own, so the luminance gets fewer terms.
		int luminanceTerms = hasAlpha ? 5 : 7;
		int longestSide = Math.max(width, height);
		int lx = Math.max(1, (int) Math.round((double) (luminanceTerms * width) / longestSide));
		int ly = Math.max(1, (int) Math.round((double) (luminanceTerms * height) / longestSide));

		// Transparent pixels are composited over the average colour, so they take no
		// colour of their own into the colour channels.
		double[] l = new double[pixels];
		double[] p = new double[pixels];
		double[] q = new double[pixels];
		double[] a = new double[pixels];
		for (int i = 0, j = 0; i < pixels; i++, j += 4) {
			double alpha = OPACITY[rgba[j + 3] & 0xff];
			double perLevel = OPACITY_PER_LEVEL[rgba[j + 3] & 0xff];
			double red = averageRed * (1 - alpha) + perLevel * (rgba[j] & 0xff);
			double green = averageGreen * (1 - alpha) + perLevel * (rgba[j + 1] & 0xff);
			double blue = averageBlue * (1 - alpha) + perLevel * (rgba[j + 2] & 0xff);
			l[i] = (red + green + blue) / 3;
			p[i] = (red + green) / 2 - blue;
			q[i] = red - green;
			a[i] = alpha;
		}

		Terms luminance = Terms.of(l, width, height, Math.max(3, lx), Math.max(3, ly));
		Terms yellowBlue = Terms.of(p, width, height, 3, 3);
		Terms redGreen = Terms.of(q, width, height, 3, 3);
		Terms opacity = hasAlpha ? Terms.of(a, width, height, 5, 5) : null;

		boolean landscape = width > height;
		int header24 = quantise(63 * luminance.dc()) | quantise(31.5 + 31.5 * yellowBlue.dc()) << 6
				| quantise(31.5 + 31.5 * redGreen.dc()) << 12 | quantise(31 * luminance.scale()) << 18
				| (hasAlpha ? 1 << 23 : 0);
		int header16 = (landscape ? ly : lx) | quantise(63 * yellowBlue.scale()) << 3
				| quantise(63 * redGreen.scale()) << 9 | (landscape ? 1 << 15 : 0);

		int acStart = (opacity != null) ? 6 : 5;
		int acCount = luminance.ac().length + yellowBlue.ac().length + redGreen.ac().length
				+ ((opacity != null) ? opacity.ac().length : 0);
		byte[] hash = new byte[acStart + (acCount + 1) / 2];
		hash[0] = (byte) header24;
		hash[1] = (byte) (header24 >> 8);
		hash[2] = (byte) (header24 >> 16);
		hash[3] = (byte) header16;
		hash[4] = (byte) (header16 >> 8);
		int nibble = 0;
		nibble = writeNibbles(hash, acStart, nibble, luminance);
		nibble = writeNibbles(hash, acStart, nibble, yellowBlue);
		nibble = writeNibbles(hash, acStart, nibble, redGreen);
		if (opacity != null) {
			hash[5] = (byte) (quantise(15 * opacity.dc()) | quantise(15 * opacity.scale()) << 4);
			writeNibbles(hash, acStart, nibble, opacity);
		}
		return hash;
	}

	/**
	 * The average colour a hash holds, as each channel's fraction of full scale.
	 */
	public static Rgba averageColor(byte[] hash) {
		int header24 = header24(hash);
		double l = (header24 & 63) / 63.0;
		double p = ((header24 >> 6) & 63) / 31.5 - 1;
		double q = ((header24 >> 12) & 63) / 31.5 - 1;
		double alpha = hasAlpha(hash) ? (hash[5] & 15) / 15.0 : 1;
		double blue = l - 2.0 / 3 * p;
		double red = (3 * l - blue + q) / 2;
		double green = red - q;
		return new Rgba(clamp(red), clamp(green), clamp(blue), alpha);
	}

	/**
	 * Width over height of the image a hash was made from, as the counts of its luminance
	 * terms give it: 7 (5 with alpha) along the longer side and the nearest share of that
	 * along the shorter, so that 3:2 reads as 7:5.
	 */
	public static double approximateAspectRatio(byte[] hash) {
		int header16 = (hash[3] & 0xff) | (hash[4] & 0xff) << 8;
		int longSideTerms = hasAlpha(hash) ? 5 : 7;
		int shortSideTerms = header16 & 7;
		boolean landscape = (header16 >> 15) != 0;
		return landscape ? (double) longSideTerms / shortSideTerms : (double) shortSideTerms / longSideTerms;
	}

	/** Whether the image a hash was made from had any pixel that is not fully opaque. */
	public static boolean hasAlpha(byte[] hash) {
		return (header24(hash) >> 23) != 0;
	}

	/** cos(pi / size * term * (i + 0.5)) as [term][i]. */
	private static double[][] cosines(int size) {
		double[][] table = COSINES.get(size);
		if (table == null) {
			table = new double[MAX_TERMS][size];
			for (int term = 0; term < MAX_TERMS; term++) {
				for (int i = 0; i < size; i++) {
					table[term][i] = StrictMath.cos(Math.PI / size * term * (i + 0.5));
				}
			}
			// Threads that race here compute the same table.
			COSINES.set(size, table);
		}
		return table;
	}

	private static int header24(byte[] hash) {
		return (hash[0] & 0xff) | (hash[1] & 0xff) << 8 | (hash[2] & 0xff) << 16;
	}

	private static int quantise(double value) {
		return (int) Math.round(value);
	}

	private static double clamp(double value) {
		return Math.max(0, Math.min(1, value));
	}

	private static int writeNibbles(byte[] hash, int start, int nibble, Terms terms) {
		for (double term : terms.ac()) {
			hash[start + (nibble >> 1)] |= (byte) (quantise(15 * term) << ((nibble & 1) << 2));
			nibble++;
		}
		return nibble;
	}

	/**
	 * A colour as fractions of full scale, 0 to 1, alpha not premultiplied.
	 *
	 * @param red red
	 * @param green green
	 * @param blue blue
	 * @param alpha opacity
	 */
	public record Rgba(double red, double green, double blue, double alpha) {

	}

	/**
	 * A channel's DCT: its constant term and its varying terms, each scaled into 0 to 1
	 * by the largest of them.
	 */
	private record Terms(double dc, double[] ac, double scale) {

		/**
		 * The terms (cx, cy) under the diagonal cx / nx + cy / ny < 1, row by row.
		 */
		static Terms of(double[] channel, int width, int height, int nx, int ny) {
			double[][] cosinesX = cosines(width);
			double[][] cosinesY = cosines(height);
			int count = 0;
			for (int cy = 0; cy < ny; cy++) {
				for (int cx = 0; cx * ny < nx * (ny - cy); cx++) {
					count++;
				}
			}
			// Each term's cosines along x and y, the terms padded to a multiple of four
			// with copies of the first, whose sums are left out.
			int padded = (count + 3) & ~3;
			double[][] termX = new double[padded][];
			double[][] termY = new double[padded][];
			for (int cy = 0, k = 0; cy < ny; cy++) {
				for (int cx = 0; cx * ny < nx * (ny - cy); cx++, k++) {
					termX[k] = cosinesX[cx];
					termY[k] = cosinesY[cy];
				}
			}
			for (int k = count; k < padded; k++) {
				termX[k] = cosinesX[0];
				termY[k] = cosinesY[0];
			}
			// Every term sums channel * cos x * cos y over the pixels row by row, as the
			// reference does, so each sum has the reference's rounding. Four terms are
			// summed side by side so that their additions overlap, where one term alone
			// waits for each addition to finish before the next.
			double[] sums = new double[padded];
			for (int y = 0; y < height; y++) {
				int row = y * width;
				for (int k = 0; k < padded; k += 4) {
					double[] x0 = termX[k];
					double[] x1 = termX[k + 1];
					double[] x2 = termX[k + 2];
					double[] x3 = termX[k + 3];
					double y0 = termY[k][y];
					double y1 = termY[k + 1][y];
					double y2 = termY[k + 2][y];
					double y3 = termY[k + 3][y];
					double sum0 = sums[k];
					double sum1 = sums[k + 1];
					double sum2 = sums[k + 2];
					double sum3 = sums[k + 3];
					for (int x = 0; x < width; x++) {
						double value = channel[row + x];
						sum0 += value * x0[x] * y0;
						sum1 += value * x1[x] * y1;
						sum2 += value * x2[x] * y2;
						sum3 += value * x3[x] * y3;
					}
					sums[k] = sum0;
					sums[k + 1] = sum1;
					sums[k + 2] = sum2;
					sums[k + 3] = sum3;
				}
			}
			double dc = sums[0] / (width * height);
			double[] ac = new double[count - 1];
			double scale = 0;
			for (int k = 1; k < count; k++) {
				ac[k - 1] = sums[k] / (width * height);
				scale = Math.max(scale, Math.abs(ac[k - 1]));
			}
			if (scale > 0) {
				for (int k = 0; k < ac.length; k++) {
					ac[k] = 0.5 + 0.5 / scale * ac[k];
				}
			}
			return new Terms(dc, ac, scale);
		}

	}

}
