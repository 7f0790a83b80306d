package dev.imageworker.pipeline;

import dev.imageworker.failure.FailureCode;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/** Counters and timers of the pipeline, tagged by outcome. */
@Component
class PipelineMetrics {

	private final MeterRegistry registry;

	PipelineMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void message(String disposition) {
		this.registry.counter("imageworker.messages", "disposition", disposition).increment();
	}

	void image(String outcome, @Nullable FailureCode code) {
		this.registry.counter("imageworker.images", "outcome", outcome, "code", (code != null) ? code.name() : "none")
			.increment();
	}

}
