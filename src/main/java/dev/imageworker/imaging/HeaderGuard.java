package dev.imageworker.imaging;

/**
 * Refuses, from the header alone and before any decoder runs, what no decoder may be
 * given: a BMP that embeds a JPEG or PNG, or declares more pixel data than it holds
 * ({@link BmpHeader}); a JPEG of a frame type the memory admission cannot estimate
 * ({@link JpegFrame#requireSupportedFrame}). Every engine asks it first, so that no
 * engine, nor one it hands an image to, meets them.
 */
public final class HeaderGuard {

	private HeaderGuard() {
	}

	/**
	 * The format of the data, as {@link ImageFormat#require} tells it, once nothing in
	 * its header is refused.
	 * @throws dev.imageworker.failure.PermanentFailure {@code UNSUPPORTED_FORMAT} or
	 * {@code CORRUPT_IMAGE}
	 */
	public static ImageFormat require(byte[] source) {
		ImageFormat format = ImageFormat.require(source);
		switch (format) {
			case BMP -> BmpHeader.read(source).ifPresent((header) -> header.check(source.length));
			case JPEG -> JpegFrame.requireSupportedFrame(source);
			default -> {
			}
		}
		return format;
	}

}
