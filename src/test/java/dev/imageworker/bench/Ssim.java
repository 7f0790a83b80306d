package dev.imageworker.bench;

/**
 * The structural similarity index of Wang, Bovik, Sheikh and Simoncelli (IEEE Trans.
 * Image Processing 13(4), 2004), as their reference code {@code ssim_index.m} computes
 * it: on luma, with an 11x11 Gaussian window of standard deviation 1.5 normalised to 1,
 * K1 0.01, K2 0.03 and a dynamic range of 255, over every position where the window fits
 * inside the image ("valid"), averaged; no downsampling. Colour images are compared by
 * their luma Y' = 0.299 R' + 0.587 G' + 0.114 B' on the gamma-encoded values, the Rec.
 * 601 weights of the grey images the paper used.
 */
final class Ssim {

	static final int WINDOW = 11;

	private static final double SIGMA = 1.5;

	private static final double C1 = Math.pow(0.01 * 255, 2);

	private static final double C2 = Math.pow(0.03 * 255, 2);

	/** One side of the separable window: the 2-D window is its outer product. */
	private static final double[] KERNEL = kernel();

	private Ssim() {
	}

	/**
	 * An image's luma, row by row.
	 *
	 * @param width pixels per row
	 * @param height rows
	 * @param values {@code width * height} values from 0 to 255
	 */
	record Luma(int width, int height, double[] values) {

		Luma {
			if (values.length != width * height) {
				throw new IllegalArgumentException(values.length + " values for " + width + "x" + height);
			}
		}

		/** The luma of interleaved 8-bit R'G'B' pixels. */
		static Luma ofRgb(int width, int height, byte[] rgb) {
			if (rgb.length != width * height * 3) {
				throw new IllegalArgumentException(rgb.length + " bytes for " + width + "x" + height + " RGB");
			}
			double[] values = new double[width * height];
			for (int i = 0; i < values.length; i++) {
				values[i] = 0.299 * (rgb[3 * i] & 0xff) + 0.587 * (rgb[3 * i + 1] & 0xff)
						+ 0.114 * (rgb[3 * i + 2] & 0xff);
			}
			return new Luma(width, height, values);
		}

	}

	/**
	 * The mean SSIM of two images of the same size, at least {@value #WINDOW} pixels a
	 * side; 1 only for identical images.
	 */
	static double mean(Luma x, Luma y) {
		if (x.width() != y.width() || x.height() != y.height()) {
			throw new IllegalArgumentException(
					"sizes differ: " + x.width() + "x" + x.height() + " and " + y.width() + "x" + y.height());
		}
		if (x.width() < WINDOW || x.height() < WINDOW) {
			throw new IllegalArgumentException("smaller than the " + WINDOW + "-pixel window");
		}
		int width = x.width();
		int height = x.height();
		double[] xx = new double[width * height];
		double[] yy = new double[width * height];
		double[] xy = new double[width * height];
		for (int i = 0; i < xx.length; i++) {
			xx[i] = x.values()[i] * x.values()[i];
			yy[i] = y.values()[i] * y.values()[i];
			xy[i] = x.values()[i] * y.values()[i];
		}
		double[] muX = filter(x.values(), width, height);
		double[] muY = filter(y.values(), width, height);
		double[] meanXx = filter(xx, width, height);
		double[] meanYy = filter(yy, width, height);
		double[] meanXy = filter(xy, width, height);
		double sum = 0;
		for (int i = 0; i < muX.length; i++) {
			double muXx = muX[i] * muX[i];
			double muYy = muY[i] * muY[i];
			double muXy = muX[i] * muY[i];
			double varianceX = meanXx[i] - muXx;
			double varianceY = meanYy[i] - muYy;
			double covariance = meanXy[i] - muXy;
			sum += ((2 * muXy + C1) * (2 * covariance + C2)) / ((muXx + muYy + C1) * (varianceX + varianceY + C2));
		}
		return sum / muX.length;
	}

	/**
	 * The window's weighted mean at every position where it fits: rows then columns,
	 * {@code (width - 10) * (height - 10)} values.
	 */
	private static double[] filter(double[] image, int width, int height) {
		int outWidth = width - WINDOW + 1;
		int outHeight = height - WINDOW + 1;
		double[] rows = new double[outWidth * height];
		for (int y = 0; y < height; y++) {
			for (int x = 0; x < outWidth; x++) {
				double sum = 0;
				for (int k = 0; k < WINDOW; k++) {
					sum += KERNEL[k] * image[y * width + x + k];
				}
				rows[y * outWidth + x] = sum;
			}
		}
		double[] out = new double[outWidth * outHeight];
		for (int y = 0; y < outHeight; y++) {
			for (int x = 0; x < outWidth; x++) {
				double sum = 0;
				for (int k = 0; k < WINDOW; k++) {
					sum += KERNEL[k] * rows[(y + k) * outWidth + x];
				}
				out[y * outWidth + x] = sum;
			}
		}
		return out;
	}

	private static double[] kernel() {
		double[] kernel = new double[WINDOW];
		double sum = 0;
		for (int k = 0; k < WINDOW; k++) {
			double offset = k - WINDOW / 2;
			kernel[k] = Math.exp(-offset * offset / (2 * SIGMA * SIGMA));
			sum += kernel[k];
		}
		for (int k = 0; k < WINDOW; k++) {
			kernel[k] /= sum;
		}
		return kernel;
	}

}
