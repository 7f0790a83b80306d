package dev.imageworker.downstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.imageworker.support.TestProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DownstreamBreakersTests {

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final DownstreamBreakers breakers = new DownstreamBreakers(TestProperties.bind(Map.of("breaker.window",
			"10", "breaker.minimum-calls", "4", "breaker.first-probe", "200ms", "breaker.max-probe-interval", "1s")),
			this.meters);

	@Test
	void outagesAreServerErrorsThrottlingAndNoConnectionNothingElse() {
		assertThat(DownstreamBreakers.isOutage(s3(503))).isTrue();
		assertThat(DownstreamBreakers.isOutage(s3(500))).isTrue();
		assertThat(DownstreamBreakers.isOutage(ProvisionedThroughputExceededException.builder()
			.statusCode(400)
			.awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
			.build())).isTrue();
		assertThat(DownstreamBreakers.isOutage(SdkClientException.create("Connection refused"))).isTrue();
		assertThat(DownstreamBreakers.isOutage(s3(403))).isFalse();
		assertThat(DownstreamBreakers.isOutage(NoSuchKeyException.builder().statusCode(404).build())).isFalse();
		assertThat(DownstreamBreakers.isOutage(ConditionalCheckFailedException.builder().statusCode(400).build()))
			.isFalse();
	}

	@Test
	void opensWhenOutagesCrossTheThresholdAndOnlyForThatDownstream() {
		this.breakers.succeeded(Downstream.S3);
		this.breakers.failed(Downstream.S3, s3(503));
		this.breakers.failed(Downstream.S3, s3(404));
		assertThat(this.breakers.isOpen()).as("one outage in three calls").isFalse();

		this.breakers.failed(Downstream.S3, s3(503));

		assertThat(this.breakers.isOpen()).isTrue();
		assertThat(this.breakers.states()).containsEntry(Downstream.S3, CircuitBreaker.State.OPEN)
			.containsEntry(Downstream.DYNAMODB, CircuitBreaker.State.CLOSED);
		assertThat(this.meters.get("resilience4j.circuitbreaker.state")
			.tag("name", "s3")
			.tag("state", "open")
			.gauge()
			.value()).isEqualTo(1);
	}

	@Test
	void probesWhenHalfOpenAtAGrowingIntervalAndClosesOnTheFirstAnswer() {
		List<Long> probes = new CopyOnWriteArrayList<>();
		this.breakers.onHalfOpen(Downstream.DYNAMODB, (downstream) -> {
			probes.add(System.nanoTime());
			if (probes.size() < 3) {
				this.breakers.failed(downstream, SdkClientException.create("still down"));
			}
			else {
				this.breakers.succeeded(downstream);
			}
		});
		long opened = System.nanoTime();
		for (int i = 0; i < 4; i++) {
			this.breakers.failed(Downstream.DYNAMODB, SdkClientException.create("down"));
		}
		assertThat(this.breakers.isOpen()).isTrue();

		await().atMost(Duration.ofSeconds(5)).until(() -> !this.breakers.isOpen());

		assertThat(probes).hasSize(3);
		// 200 ms, then 400, then 800 before each probe.
		assertThat(Duration.ofNanos(probes.get(0) - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
		assertThat(Duration.ofNanos(probes.get(1) - probes.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(390));
		assertThat(Duration.ofNanos(probes.get(2) - probes.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(790));
	}

	private static S3Exception s3(int status) {
		return (S3Exception) S3Exception.builder().statusCode(status).build();
	}

}
