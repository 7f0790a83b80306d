package dev.imageworker.imaging;

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

	private ThumbHash() {
	}

	/**
	 * The ThumbHash of an image.
	 * @param width width in pixels, 1 to {@value #MAX_SIDE}
	 * @param height height in pixels, 1 to {@value #MAX_SIDE}
	 * @param rgba sRGB pixels row by row, 4 bytes each, alpha not premultiplied
	 * @return the hash, 5 to 25 bytes
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
			double alpha = (rgba[i + 3] & 0xff) / 255.0;
			averageRed += alpha / 255 * (rgba[i] & 0xff);
			averageGreen += alpha / 255 * (rgba[i + 1] & 0xff);
			averageBlue += alpha / 255 * (rgba[i + 2] & 0xff);
			totalAlpha += alpha;
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
			double alpha = (rgba[j + 3] & 0xff) / 255.0;
			double red = averageRed * (1 - alpha) + alpha / 255 * (rgba[j] & 0xff);
			double green = averageGreen * (1 - alpha) + alpha / 255 * (rgba[j + 1] & 0xff);
			double blue = averageBlue * (1 - alpha) + alpha / 255 * (rgba[j + 2] & 0xff);
			l[i] = (red + green + blue) / 3;
			p[i] = (red + green) / 2 - blue;
			q[i] = red - green;
			a[i] = alpha;
		}

		Cosines cosines = new Cosines(width, height, Math.max(Math.max(lx, ly), hasAlpha ? 5 : 3));
		Terms luminance = Terms.of(l, Math.max(3, lx), Math.max(3, ly), cosines);
		Terms yellowBlue = Terms.of(p, 3, 3, cosines);
		Terms redGreen = Terms.of(q, 3, 3, cosines);
		Terms opacity = hasAlpha ? Terms.of(a, 5, 5, cosines) : null;

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
	 * Width over height of the image a hash was made from, to the precision of its
	 * luminance terms (within about 15%).
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
	 * The cosine basis, computed once for all channels of an image, with the reference's
	 * expression and with StrictMath, whose results are the same on every JVM and those
	 * of the reference's JavaScript: Math.cos differs in the last bit often enough to
	 * change a varying term of a flat image.
	 */
	private record Cosines(double[][] x, double[][] y) {

		Cosines(int width, int height, int terms) {
			this(table(width, terms), table(height, terms));
		}

		private static double[][] table(int size, int terms) {
			double[][] table = new double[terms][size];
			for (int term = 0; term < terms; term++) {
				for (int i = 0; i < size; i++) {
					table[term][i] = StrictMath.cos(Math.PI / size * term * (i + 0.5));
				}
			}
			return table;
		}

	}

	/**
	 * A channel's DCT: its constant term and its varying terms, each scaled into 0 to 1
	 * by the largest of them.
	 */
	private record Terms(double dc, double[] ac, double scale) {

		/**
		 * The terms (cx, cy) under the diagonal cx / nx + cy / ny < 1, row by row.
		 */
		static Terms of(double[] channel, int nx, int ny, Cosines cosines) {
			int width = cosines.x()[0].length;
			int height = cosines.y()[0].length;
			// For each cx the rows cy it reaches, and where each (cx, cy) goes in the
			// reference's row-by-row order.
			int[] rows = new int[nx];
			int[][] index = new int[nx][ny];
			int count = 0;
			for (int cy = 0; cy < ny; cy++) {
				for (int cx = 0; cx * ny < nx * (ny - cy); cx++) {
					rows[cx] = cy + 1;
					index[cx][cy] = count++;
				}
			}
			// Every term sums channel * cos x * cos y over the pixels row by row, as the
			// reference does; only the terms are interleaved, which leaves each sum's
			// order
			// and so its rounding unchanged.
			double[] sums = new double[count];
			double[] cosY = new double[ny];
			for (int y = 0, i = 0; y < height; y++) {
				for (int cy = 0; cy < ny; cy++) {
					cosY[cy] = cosines.y()[cy][y];
				}
				for (int x = 0; x < width; x++, i++) {
					double value = channel[i];
					for (int cx = 0; cx < nx; cx++) {
						double weighted = value * cosines.x()[cx][x];
						int[] column = index[cx];
						for (int cy = 0; cy < rows[cx]; cy++) {
							sums[column[cy]] += weighted * cosY[cy];
						}
					}
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
