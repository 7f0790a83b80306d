package dev.imageworker.pipeline;

import java.util.concurrent.TimeUnit;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.imaging.Rendering;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Counters and timers of the pipeline, tagged by outcome, and the cost of each format.
 */
@Component
class PipelineMetrics {

	private final MeterRegistry registry;

	private final CpuPerImage cpu;

	PipelineMetrics(MeterRegistry registry, CpuPerImage cpu) {
		this.registry = registry;
		this.cpu = cpu;
	}

	void message(String disposition) {
		this.registry.counter("imageworker.messages", "disposition", disposition).increment();
	}

	void image(String outcome, @Nullable FailureCode code) {
		this.registry.counter("imageworker.images", "outcome", outcome, "code", (code != null) ? code.name() : "none")
			.increment();
		if (Outcome.COMPLETED.tag().equals(outcome)) {
			this.cpu.completed();
		}
	}

	/** What an output cost to encode and what it weighs, by format. */
	void encoded(Rendering.Output output) {
		String format = output.format().id();
		Timer.builder("imageworker.encode")
			.description("Encoding one output")
			.tag("format", format)
			.register(this.registry)
			.record(output.encodeNanos(), TimeUnit.NANOSECONDS);
		DistributionSummary.builder("imageworker.encode.bytes")
			.description("Bytes of one encoded output")
			.baseUnit("bytes")
			.tag("format", format)
			.register(this.registry)
			.record(output.bytes().length);
	}

}
