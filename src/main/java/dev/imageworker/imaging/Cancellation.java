package dev.imageworker.imaging;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CancellationException;

import org.jspecify.annotations.Nullable;

/**
 * Lets the render pool stop a render that ran out of time. Interrupting the thread is not
 * enough: decoders in native code or in ImageIO never look at the interrupt flag, so the
 * engine registers how to stop its current stage (abort the reader, kill the libvips
 * image) while that stage runs.
 */
public final class Cancellation {

	private boolean cancelled;

	private @Nullable Runnable stop;

	private volatile long deadline = Long.MAX_VALUE;

	/**
	 * Starts the render's clock: it has until {@code limit} from now. A stage that cannot
	 * be stopped once started (an AV1 encode) asks first whether it fits in what is left.
	 */
	public void startClock(Duration limit) {
		this.deadline = System.nanoTime() + limit.toNanos();
	}

	/** What is left of the render's time, or a very long time when no clock runs. */
	public Duration remaining() {
		return (this.deadline == Long.MAX_VALUE) ? ChronoUnit.FOREVER.getDuration()
				: Duration.ofNanos(Math.max(0, this.deadline - System.nanoTime()));
	}

	/** Stops the stage running now, if any, and every later one before it starts. */
	public synchronized void cancel() {
		this.cancelled = true;
		if (this.stop != null) {
			this.stop.run();
		}
	}

	public synchronized boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * @throws CancellationException when the render was cancelled
	 */
	public void check() {
		if (isCancelled()) {
			throw new CancellationException("render cancelled");
		}
	}

	/**
	 * Registers how to stop the stage about to run, until the returned stage is closed.
	 * Closing waits for a concurrent {@link #cancel()}, so the stop action never runs on
	 * a resource the engine has released.
	 * @throws CancellationException when the render was cancelled already
	 */
	public synchronized Stage stage(Runnable stop) {
		check();
		this.stop = stop;
		return this::endStage;
	}

	private synchronized void endStage() {
		this.stop = null;
	}

	/** A stage of a render that {@link #cancel()} can stop. */
	@FunctionalInterface
	public interface Stage extends AutoCloseable {

		@Override
		void close();

	}

}
