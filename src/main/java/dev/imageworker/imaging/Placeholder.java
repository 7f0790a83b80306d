package dev.imageworker.imaging;

import java.util.Base64;
import java.util.HexFormat;

/**
 * What a front end shows while an image loads: its ThumbHash and its dominant colour,
 * both from a copy of at most {@value ThumbHash#MAX_SIDE} pixels a side.
 * <p>
 * The dominant colour is the most common colour, not the mean: a red picture with a blue
 * stripe is red, where the mean would be a purple the picture does not contain. Colours
 * are counted in bins of 16 levels a channel (4096 bins), coarse enough that the noise
 * and compression artefacts of one surface fall into one bin and fine enough to keep a
 * picture's surfaces apart; the winner is the mean colour of the pixels in the fullest
 * bin, so it is a colour the picture has rather than a bin's corner. Of bins equally
 * full, the one whose colour comes first in reading order wins.
 * <p>
 * Pixels less than half opaque are left out: over them a viewer sees more of what is
 * behind the image than of the pixel, and the colour of a nearly transparent pixel is
 * often whatever its encoder left there. An image with no pixel at least half opaque
 * gives white, which is what its JPEG renditions show (they are flattened onto white).
 *
 * @param thumbhash the ThumbHash in standard Base64 with padding
 * @param dominantColor the most common colour as {@code #rrggbb}
 */
public record Placeholder(String thumbhash, String dominantColor) {

	/** Alpha from which a pixel counts towards the dominant colour: half opaque. */
	private static final int OPAQUE_ENOUGH = 128;

	private static final String NOTHING_OPAQUE = "#ffffff";

	private static final int BITS = 4;

	private static final int BINS = 1 << (3 * BITS);

	/**
	 * The placeholder of a copy of the image, of the size {@link #copySize} gives.
	 * @param width width of the copy, at most {@value ThumbHash#MAX_SIDE}
	 * @param height height of the copy, at most {@value ThumbHash#MAX_SIDE}
	 * @param rgba sRGB pixels row by row, 4 bytes each, alpha not premultiplied
	 */
	public static Placeholder of(int width, int height, byte[] rgba) {
		String thumbhash = Base64.getEncoder().encodeToString(ThumbHash.encode(width, height, rgba));
		return new Placeholder(thumbhash, dominantColor(rgba));
	}

	/**
	 * The size to resize an image to for {@link #of}: inside {@value ThumbHash#MAX_SIDE}
	 * pixels a side with the image's aspect ratio, never larger than the image, at least
	 * one pixel a side.
	 */
	public static Dimensions copySize(int width, int height) {
		if (width < 1 || height < 1) {
			throw new IllegalArgumentException("an image has at least one pixel a side, not " + width + "x" + height);
		}
		return new Dimensions(width, height).fitWithin(ThumbHash.MAX_SIDE);
	}

	static String dominantColor(byte[] rgba) {
		int[] counts = new int[BINS];
		int[] sums = new int[BINS * 3];
		// Bins in the order their first pixel was met, so a tie goes to the colour met
		// first and not to whichever has the lower bin number.
		int[] firstMet = new int[BINS];
		int met = 0;
		for (int i = 0; i < rgba.length; i += 4) {
			if ((rgba[i + 3] & 0xff) < OPAQUE_ENOUGH) {
				continue;
			}
			int red = rgba[i] & 0xff;
			int green = rgba[i + 1] & 0xff;
			int blue = rgba[i + 2] & 0xff;
			int bin = (red >> (8 - BITS)) << (2 * BITS) | (green >> (8 - BITS)) << BITS | (blue >> (8 - BITS));
			if (counts[bin]++ == 0) {
				firstMet[met++] = bin;
			}
			sums[bin * 3] += red;
			sums[bin * 3 + 1] += green;
			sums[bin * 3 + 2] += blue;
		}
		if (met == 0) {
			return NOTHING_OPAQUE;
		}
		int winner = firstMet[0];
		for (int i = 1; i < met; i++) {
			if (counts[firstMet[i]] > counts[winner]) {
				winner = firstMet[i];
			}
		}
		int count = counts[winner];
		HexFormat hex = HexFormat.of();
		return "#" + hex.toHexDigits((byte) mean(sums[winner * 3], count))
				+ hex.toHexDigits((byte) mean(sums[winner * 3 + 1], count))
				+ hex.toHexDigits((byte) mean(sums[winner * 3 + 2], count));
	}

	private static int mean(int sum, int count) {
		return (sum + count / 2) / count;
	}

}
