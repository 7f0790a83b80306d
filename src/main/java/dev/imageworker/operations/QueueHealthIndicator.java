package dev.imageworker.operations;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.queue.QueueAttributes;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Whether the queue can be reached, for the readiness group: during an AWS outage the
 * worker is not ready (no traffic, no scaling decisions on it) but stays live, so it is
 * not restarted and resumes by itself. The answer is cached for a few seconds so probes
 * do not add load to SQS.
 */
@Component
class QueueHealthIndicator implements HealthIndicator {

	private static final Duration CACHE = Duration.ofSeconds(5);

	private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(3);

	private final QueueAttributes attributes;

	private final String queue;

	private volatile @Nullable Checked last;

	QueueHealthIndicator(QueueAttributes attributes, ImageWorkerProperties properties) {
		this.attributes = attributes;
		this.queue = properties.queue();
	}

	@Override
	public Health health() {
		Checked checked = this.last;
		if (checked == null || System.nanoTime() - checked.at() > CACHE.toNanos()) {
			checked = new Checked(check(), System.nanoTime());
			this.last = checked;
		}
		return checked.health();
	}

	private Health check() {
		try {
			var attributes = this.attributes
				.read(this.queue, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
						QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)
				.get(CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			return Health.up()
				.withDetail("queue", this.queue)
				.withDetail("visible", attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "?"))
				.withDetail("inFlight",
						attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "?"))
				.build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down(ex).withDetail("queue", this.queue).build();
		}
		catch (Exception ex) {
			return Health.down(ex).withDetail("queue", this.queue).build();
		}
	}

	private record Checked(Health health, long at) {
	}

}
