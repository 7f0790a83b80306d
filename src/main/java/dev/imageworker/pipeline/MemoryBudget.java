package dev.imageworker.pipeline;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
import dev.imageworker.failure.TransientFailure;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Admits images to decoding by the memory their pixels take, besides the message count
 * the listener already bounds: forty thumbnails-to-be may decode at once where four 20 MP
 * photos may not. The budget is a share of the maximum heap.
 * <p>
 * Pixels are known only once the header is read, so the permit is taken right before
 * decoding. Waiting here grows no local queue: only messages the listener received wait,
 * and it receives no more than {@code maxConcurrentMessages}; while they wait the
 * visibility heartbeat keeps them hidden, and the container does not poll for more.
 */
@Component
class MemoryBudget {

	/** Decoded rasters are four bytes per pixel (ARGB or RGB in an int). */
	private static final long BYTES_PER_PIXEL = 4;

	/** Permits count KiB, so a heap of any size fits in an int. */
	private static final int UNIT = 1024;

	private final Semaphore permits;

	private final int capacity;

	private final long maxPixels;

	private final Duration patience;

	@Autowired
	MemoryBudget(ImageWorkerProperties properties) {
		this((long) (Runtime.getRuntime().maxMemory() * properties.processing().memoryShare()),
				properties.limits().maxPixels(), properties.processing().jobTimeout());
	}

	MemoryBudget(long bytes, long maxPixels, Duration patience) {
		this.capacity = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
		this.permits = new Semaphore(this.capacity, true);
		this.maxPixels = maxPixels;
		this.patience = patience;
	}

	/**
	 * Waits until the decoded image fits in the budget. An image larger than the whole
	 * budget waits until it has the budget to itself. The pixel limit is enforced here,
	 * from the header, before any engine sees the image: a native decoder may not read
	 * the header of a file it could not decode.
	 * @return the lease to close once the decoded pixels are no longer needed
	 */
	Lease admit(byte[] source) {
		long pixels = pixels(source);
		if (pixels > this.maxPixels) {
			throw new PermanentFailure(FailureCode.IMAGE_TOO_LARGE,
					"header declares " + pixels + " pixels, more than the limit of " + this.maxPixels);
		}
		int cost = cost(pixels);
		try {
			if (!this.permits.tryAcquire(cost, this.patience.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new TransientFailure("no memory to decode within " + this.patience.toSeconds() + " s", null);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TransientFailure("interrupted while waiting for memory to decode", ex);
		}
		return new Lease(cost);
	}

	int cost(long pixels) {
		if (pixels <= 0) {
			return 0;
		}
		return (int) Math.min(this.capacity, pixels * BYTES_PER_PIXEL / UNIT);
	}

	int available() {
		return this.permits.availablePermits();
	}

	/** Width times height from the header, or 0 when it cannot be read. */
	static long pixels(byte[] source) {
		try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(source))) {
			Iterator<ImageReader> readers = (input != null) ? ImageIO.getImageReaders(input) : null;
			if (readers == null || !readers.hasNext()) {
				return 0;
			}
			ImageReader reader = readers.next();
			try {
				reader.setInput(input, true, true);
				return (long) reader.getWidth(0) * reader.getHeight(0);
			}
			finally {
				reader.dispose();
			}
		}
		catch (IOException | RuntimeException ex) {
			// Unreadable headers are the engine's to classify.
			return 0;
		}
	}

	/** Memory held by one decoding image. */
	final class Lease implements AutoCloseable {

		private final int cost;

		private Lease(int cost) {
			this.cost = cost;
		}

		@Override
		public void close() {
			MemoryBudget.this.permits.release(this.cost);
		}

	}

}
