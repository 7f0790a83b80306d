package dev.imageworker.scaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The queue's backlog as a high-resolution CloudWatch metric, one datum per worker per
 * sample. The stack's fast scale-out alarm divides its {@code Maximum} (the backlog) by
 * its {@code SampleCount} (the workers that sent one) over 10 s: backlog per task without
 * waiting for SQS's one-minute, delayed metrics or Container Insights' task count.
 * <p>
 * Each datum is stamped with the start of its sampling period, so every worker counts
 * once per period. Nothing is sent below the threshold: no fleet needs the fast signal
 * then, and a datum not sent is not paid for.
 */
class BacklogMetric {

	/** The metric's name; its one dimension is {@value #QUEUE_DIMENSION}. */
	static final String NAME = "imageworker.queue.backlog";

	static final String QUEUE_DIMENSION = "queue";

	private static final Logger log = LoggerFactory.getLogger(BacklogMetric.class);

	private final CloudWatchAsyncClient cloudWatch;

	private final String namespace;

	private final String queue;

	private final long threshold;

	private final Duration period;

	private final Clock clock;

	private volatile boolean failing;

	BacklogMetric(CloudWatchAsyncClient cloudWatch, String namespace, String queue, long threshold, Duration period,
			Clock clock) {
		this.cloudWatch = cloudWatch;
		this.namespace = namespace;
		this.queue = queue;
		this.threshold = threshold;
		this.period = period;
		this.clock = clock;
	}

	/** Sends the backlog just read, unless it is unknown or below the threshold. */
	void publish(double backlog) {
		if (Double.isNaN(backlog) || backlog < this.threshold) {
			return;
		}
		long periodMillis = this.period.toMillis();
		long now = this.clock.millis();
		MetricDatum datum = MetricDatum.builder()
			.metricName(NAME)
			.dimensions(Dimension.builder().name(QUEUE_DIMENSION).value(this.queue).build())
			.timestamp(Instant.ofEpochMilli(now - now % periodMillis))
			.value(backlog)
			.unit(StandardUnit.COUNT)
			.storageResolution(1)
			.build();
		this.cloudWatch.putMetricData((request) -> request.namespace(this.namespace).metricData(datum))
			.whenComplete((response, failure) -> {
				if (failure == null) {
					this.failing = false;
				}
				else if (!this.failing) {
					// Once per streak: the next sample tries again anyway.
					this.failing = true;
					log.warn("Could not publish the backlog of queue {} to CloudWatch", this.queue, failure);
				}
			});
	}

}
