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
