package dev.imageworker.pipeline;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.imageworker.config.OutputFormat;
import dev.imageworker.imaging.Rendering;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each format costs to encode and weighs, and the CPU the worker spends per
 * completed image over its last window with images.
 */
class PipelineMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AtomicLong cpuNanos = new AtomicLong();

	private final CpuPerImage cpu = new CpuPerImage(this.registry, this.cpuNanos::get);

	private final PipelineMetrics metrics = new PipelineMetrics(this.registry, this.cpu);

	@Test
	void encodingIsTimedAndWeighedByFormat() {
		this.metrics.encoded(output(OutputFormat.AVIF, 3_000, 40_000_000));
		this.metrics.encoded(output(OutputFormat.AVIF, 5_000, 60_000_000));
		this.metrics.encoded(output(OutputFormat.WEBP, 7_000, 4_000_000));

		assertThat(this.registry.get("imageworker.encode").tag("format", "avif").timer().count()).isEqualTo(2);
		assertThat(
				this.registry.get("imageworker.encode").tag("format", "avif").timer().totalTime(TimeUnit.MILLISECONDS))
			.isEqualTo(100);
		assertThat(this.registry.get("imageworker.encode.bytes").tag("format", "avif").summary().totalAmount())
			.isEqualTo(8_000);
		assertThat(this.registry.get("imageworker.encode.bytes").tag("format", "webp").summary().totalAmount())
			.isEqualTo(7_000);
	}

	@Test
	void cpuPerImageIsTheLastWindowWithImagesCpuOverItsCompletions() {
		assertThat(gauge()).isNaN();
		this.cpuNanos.addAndGet(2_000_000_000L);
		this.metrics.image("completed", null);
		this.metrics.image("completed", null);
		this.metrics.image("failed", null);
		this.cpu.sample();
		assertThat(gauge()).isEqualTo(1.0);

		// A minute without images keeps the last value; its CPU is not charged to the
		// next.
		this.cpuNanos.addAndGet(500_000_000L);
		this.cpu.sample();
		assertThat(gauge()).isEqualTo(1.0);

		this.cpuNanos.addAndGet(300_000_000L);
		this.metrics.image("completed", null);
		this.cpu.sample();
		assertThat(gauge()).isEqualTo(0.3);
	}

	private double gauge() {
		return this.registry.get("imageworker.image.cpu").gauge().value();
	}

	private static Rendering.Output output(OutputFormat format, int bytes, long nanos) {
		return new Rendering.Output("v", format, 10, 10, null, new byte[bytes], nanos);
	}

}
