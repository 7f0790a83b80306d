package dev.imageworker.imaging;

import java.util.Optional;

/**
 * A GIF's logical screen and frames, walked block by block without decoding a pixel.
 * <p>
 * The screen, each frame's rectangle and the number of frames can disagree, in any order:
 * a 10x10 screen may hold a 10000x10000 frame, the first frame may be the smallest. What
 * a decoder allocates follows the largest of them, not the first: the JDK's reader the
 * frame it decodes, libvips' (libnsgif) a canvas grown to hold the frames where they lie.
 * A frame whose descriptor is read counts even when its data is cut off, as a decoder
 * allocates before it finds the cut.
 *
 * @param screen the logical screen's size
 * @param largestFrame the largest frame rectangle by pixels; none (0x0) without frames
 * @param canvas the smallest size from the top left that holds the screen and every frame
 * where it lies: the most any decoder allocates for one frame
 * @param frames the frames (image descriptors)
 */
record GifHeader(Dimensions screen, Dimensions largestFrame, Dimensions canvas, int frames) {

	private static final int HEADER = 6 + 7;

	private static final int IMAGE_DESCRIPTOR = 0x2C;

	private static final int EXTENSION = 0x21;

	private static final int COLOUR_TABLE = 0x80;

	/**
	 * @return the screen and frames, or empty when the data is no GIF or too short for
	 * its logical screen descriptor
	 */
	static Optional<GifHeader> read(byte[] gif) {
		if (gif.length < HEADER || ImageFormat.sniff(gif).filter(ImageFormat.GIF::equals).isEmpty()) {
			return Optional.empty();
		}
		Dimensions screen = new Dimensions(uint16(gif, 6), uint16(gif, 8));
		Dimensions largest = new Dimensions(0, 0);
		int canvasWidth = screen.width();
		int canvasHeight = screen.height();
		int frames = 0;
		int pos = HEADER + colourTable(gif[10]);
		while (pos < gif.length) {
			int block = gif[pos] & 0xFF;
			if (block == IMAGE_DESCRIPTOR && pos + 10 <= gif.length) {
				int left = uint16(gif, pos + 1);
				int top = uint16(gif, pos + 3);
				Dimensions frame = new Dimensions(uint16(gif, pos + 5), uint16(gif, pos + 7));
				frames++;
				if (frame.pixels() > largest.pixels()) {
					largest = frame;
				}
				canvasWidth = Math.max(canvasWidth, left + frame.width());
				canvasHeight = Math.max(canvasHeight, top + frame.height());
				// The descriptor, its local colour table, the LZW code size, then the
				// data.
				pos = skipSubBlocks(gif, pos + 10 + colourTable(gif[pos + 9]) + 1);
			}
			else if (block == EXTENSION) {
				pos = skipSubBlocks(gif, pos + 2);
			}
			else {
				// The trailer, or bytes no decoder reads on from.
				break;
			}
		}
		return Optional.of(new GifHeader(screen, largest, new Dimensions(canvasWidth, canvasHeight), frames));
	}

	/** The bytes of the colour table a packed field announces, if any. */
	private static int colourTable(byte packed) {
		return ((packed & COLOUR_TABLE) != 0) ? 3 << ((packed & 0x07) + 1) : 0;
	}

	/** Where the data sub-blocks starting at pos end, past their terminator. */
	private static int skipSubBlocks(byte[] gif, int pos) {
		int at = pos;
		while (at < gif.length) {
			int length = gif[at] & 0xFF;
			at += 1 + length;
			if (length == 0) {
				break;
			}
		}
		return at;
	}

	private static int uint16(byte[] data, int offset) {
		return (data[offset] & 0xFF) | (data[offset + 1] & 0xFF) << 8;
	}

}
