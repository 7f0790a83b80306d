package dev.imageworker.scaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import dev.imageworker.support.RecordingCloudWatch;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The high-resolution backlog datum: what the fast scale-out alarm divides (its maximum
 * by its sample count per 10 s) and when it is not sent at all.
 */
class BacklogMetricTests {

	private final RecordingCloudWatch cloudWatch = new RecordingCloudWatch();

	private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T10:00:17.250Z"), ZoneOffset.UTC);

	private final BacklogMetric metric = new BacklogMetric(this.cloudWatch, "ImageWorker", "thumbs-queue", 184,
			Duration.ofSeconds(10), this.clock);

	@Test
	void oneHighResolutionDatumStampedWithItsPeriod() {
		this.metric.publish(500);

		assertThat(this.cloudWatch.sent()).singleElement().satisfies((request) -> {
			assertThat(request.namespace()).isEqualTo("ImageWorker");
			MetricDatum datum = request.metricData().get(0);
			assertThat(datum.metricName()).isEqualTo("imageworker.queue.backlog");
			assertThat(datum.dimensions()).singleElement()
				.satisfies((dimension) -> assertThat(dimension.name() + "=" + dimension.value())
					.isEqualTo("queue=thumbs-queue"));
			assertThat(datum.storageResolution()).as("high resolution").isEqualTo(1);
			assertThat(datum.value()).isEqualTo(500.0);
			assertThat(datum.unit()).isEqualTo(StandardUnit.COUNT);
			assertThat(datum.timestamp()).as("the start of its 10 s period, so each worker counts once in it")
				.isEqualTo(Instant.parse("2026-11-26T10:00:10Z"));
		});
	}

	@Test
	void nothingBelowTheThresholdOrBeforeTheFirstRead() {
		this.metric.publish(183);
		this.metric.publish(Double.NaN);

		assertThat(this.cloudWatch.sent()).isEmpty();
	}

	@Test
	void samplesInTheMiddleOfEachPeriod() {
		BacklogSampler sampler = new BacklogSampler(null, this.metric, Duration.ofSeconds(10), this.clock);
		BacklogSampler gaugesOnly = new BacklogSampler(null, null, Duration.ofSeconds(30), this.clock);

		assertThat(sampler.initialDelay()).isEqualTo(Duration.ofMillis(7750));
		assertThat(gaugesOnly.initialDelay()).isEqualTo(Duration.ofSeconds(5));
	}

}
