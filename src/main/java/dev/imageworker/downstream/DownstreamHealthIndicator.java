package dev.imageworker.downstream;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Not ready while a downstream's breaker is open: the worker takes no message then, and
 * an orchestrator should not count it as capacity.
 */
@Component
class DownstreamHealthIndicator implements HealthIndicator {

	private final DownstreamBreakers breakers;

	DownstreamHealthIndicator(DownstreamBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public Health health() {
		Health.Builder health = this.breakers.isOpen() ? Health.down() : Health.up();
		this.breakers.states().forEach((downstream, state) -> health.withDetail(downstream.id(), state.name()));
		return health.build();
	}

}
