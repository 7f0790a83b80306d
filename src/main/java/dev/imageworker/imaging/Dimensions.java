package dev.imageworker.imaging;

/**
 * Image sizes.
 *
 * @param width width in pixels
 * @param height height in pixels
 */
public record Dimensions(int width, int height) {

	public long pixels() {
		return (long) this.width * this.height;
	}

	public int longestSide() {
		return Math.max(this.width, this.height);
	}

	/**
	 * The largest JPEG DCT scale denominator (1, 2, 4 or 8) a decoder may shrink by and
	 * still keep the longest side at or above a target.
	 */
	public int jpegScale(long target) {
		int scale = 1;
		while (scale < 8 && longestSide() / (scale * 2) >= target) {
			scale *= 2;
		}
		return scale;
	}

	public Dimensions transposed() {
		return new Dimensions(this.height, this.width);
	}

	/**
	 * The size that fits a longest side, keeping the aspect ratio and never upscaling; no
	 * side drops below one pixel.
	 */
	public Dimensions fitWithin(int longestSide) {
		if (longestSide() <= longestSide) {
			return this;
		}
		double scale = (double) longestSide / longestSide();
		if (this.width >= this.height) {
			return new Dimensions(longestSide, Math.max(1, (int) Math.round(this.height * scale)));
		}
		return new Dimensions(Math.max(1, (int) Math.round(this.width * scale)), longestSide);
	}

}
