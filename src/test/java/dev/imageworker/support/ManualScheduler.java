package dev.imageworker.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler on a clock that moves only when a test moves it: {@link #advance} runs, on
 * the caller's thread and in time order, every task that falls due meanwhile. Timed
 * behaviour is then tested in no real time, and a test sees exactly which runs happen
 * rather than about how many fit in a sleep. Fixed-rate and fixed-delay tasks repeat as
 * in {@link java.util.concurrent.ScheduledThreadPoolExecutor}, and one that throws runs
 * no more.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();

	private long now;

	private long sequence;

	private boolean shutdown;

	/** The scheduler's clock, in nanoseconds, as {@link System#nanoTime()} reads. */
	public synchronized long nanoTime() {
		return this.now;
	}

	/** Moves the clock on, running every task that falls due on the way. */
	public synchronized void advance(Duration duration) {
		long until = this.now + duration.toNanos();
		for (Task<?> next = this.queue.peek(); next != null && next.due <= until; next = this.queue.peek()) {
			this.queue.poll();
			this.now = Math.max(this.now, next.due);
			next.run();
		}
		this.now = until;
	}

	/** Tasks that are still to run: neither done nor cancelled. */
	public synchronized int pending() {
		return (int) this.queue.stream().filter((task) -> !task.isDone()).count();
	}

	@Override
	public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		return enqueue(new Task<>(Executors.callable(command, null), delay(delay, unit), 0));
	}

	@Override
	public synchronized <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		return enqueue(new Task<>(callable, delay(delay, unit), 0));
	}

	@Override
	public synchronized ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period,
			TimeUnit unit) {
		return enqueue(new Task<>(Executors.callable(command, null), delay(initialDelay, unit), unit.toNanos(period)));
	}

	@Override
	public synchronized ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
			TimeUnit unit) {
		return enqueue(new Task<>(Executors.callable(command, null), delay(initialDelay, unit), -unit.toNanos(delay)));
	}

	@Override
	public void execute(Runnable command) {
		schedule(command, 0, TimeUnit.NANOSECONDS);
	}

	@Override
	public synchronized void shutdown() {
		this.shutdown = true;
	}

	@Override
	public synchronized List<Runnable> shutdownNow() {
		this.shutdown = true;
		List<Runnable> unrun = new ArrayList<>(this.queue);
		this.queue.forEach((task) -> task.cancel(false));
		this.queue.clear();
		return unrun;
	}

	@Override
	public synchronized boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public synchronized boolean isTerminated() {
		return this.shutdown && pending() == 0;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	private synchronized long delay(long delay, TimeUnit unit) {
		return this.now + unit.toNanos(Math.max(0, delay));
	}

	private synchronized <V> Task<V> enqueue(Task<V> task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("shut down");
		}
		this.queue.add(task);
		return task;
	}

	private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {

		/** Positive: fixed rate; negative: fixed delay; zero: once. */
		private final long period;

		private final long order = ManualScheduler.this.sequence++;

		private long due;

		private Task(Callable<V> callable, long due, long period) {
			super(callable);
			this.due = due;
			this.period = period;
		}

		@Override
		public boolean isPeriodic() {
			return this.period != 0;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.due - nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			Task<?> task = (Task<?>) other;
			int byTime = Long.compare(this.due, task.due);
			return (byTime != 0) ? byTime : Long.compare(this.order, task.order);
		}

		@Override
		public void run() {
			if (!isPeriodic()) {
				super.run();
			}
			else if (runAndReset()) {
				this.due = (this.period > 0) ? this.due + this.period : nanoTime() - this.period;
				ManualScheduler.this.queue.add(this);
			}
		}

	}

}
