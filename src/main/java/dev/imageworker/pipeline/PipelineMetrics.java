package dev.imageworker.pipeline;

import java.time.Duration;

import dev.imageworker.failure.FailureCode;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import io.micrometer.core.instrument.Timer;

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

	void render(String engine, Duration duration) {
		Timer.builder("imageworker.render")
			.description("Time to decode and render all variants of one image")
			.tag("engine", engine)
			.publishPercentileHistogram()
			.register(this.registry)
			.record(duration);
	}

	void job(String outcome, Duration duration) {
		Timer.builder("imageworker.job")
			.description("Time from receiving an image's message to its final state")
			.tag("outcome", outcome)
			.publishPercentileHistogram()
			.register(this.registry)
			.record(duration);
	}

}
