package dev.imageworker.scaling;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedRateTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * Reads the queue backlog every {@code image-worker.scaling.backlog-interval} and, when
 * the high-resolution metric is on, publishes it. The default interval is the rate at
 * which CloudWatch's SQS metrics update, inside the CloudWatch registry's one-minute
 * step; the stack sets 10 s for the fast scale-out alarm's 10-second periods, and then
 * samples in the middle of each period, so a late sample still lands in its own.
 */
class BacklogSampler implements SchedulingConfigurer {

	private static final Duration FIRST_READ = Duration.ofSeconds(5);

	private final QueueBacklog backlog;

	private final @Nullable BacklogMetric metric;

	private final Duration interval;

	private final Clock clock;

	BacklogSampler(QueueBacklog backlog, @Nullable BacklogMetric metric, Duration interval, Clock clock) {
		this.backlog = backlog;
		this.metric = metric;
		this.interval = interval;
		this.clock = clock;
	}

	void sample() {
		this.backlog.refresh();
		if (this.metric != null) {
			this.metric.publish(this.backlog.backlog());
		}
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedRateTask(new FixedRateTask(this::sample, this.interval, initialDelay()));
	}

	/** Until the middle of the next period when publishing, else a few seconds. */
	Duration initialDelay() {
		if (this.metric == null) {
			return FIRST_READ;
		}
		long period = this.interval.toMillis();
		long intoPeriod = this.clock.millis() % period;
		return Duration.ofMillis((period / 2 - intoPeriod + period) % period);
	}

}
