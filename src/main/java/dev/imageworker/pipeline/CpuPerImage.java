package dev.imageworker.pipeline;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedRateTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * The worker's measured CPU seconds per completed image ({@code imageworker.image.cpu}):
 * the process's CPU time over the last minute with images, divided by the images it
 * completed. Everything the worker spends is in it (decoding, encoding, the AWS calls,
 * garbage collection), so it is the cost per image that capacity and scaling rest on, as
 * this variant set and this machine make it; a set with AVIF outputs costs several times
 * one of JPEGs. Minutes without images keep the last value.
 */
@Component
class CpuPerImage implements SchedulingConfigurer {

	static final Duration WINDOW = Duration.ofMinutes(1);

	private final LongSupplier processCpuNanos;

	private final LongAdder completed = new LongAdder();

	private long lastCpuNanos;

	private long lastCompleted;

	private volatile double secondsPerImage = Double.NaN;

	@Autowired
	CpuPerImage(MeterRegistry registry) {
		this(registry, ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class)::getProcessCpuTime);
	}

	CpuPerImage(MeterRegistry registry, LongSupplier processCpuNanos) {
		this.processCpuNanos = processCpuNanos;
		this.lastCpuNanos = processCpuNanos.getAsLong();
		Gauge.builder("imageworker.image.cpu", this, (meter) -> meter.secondsPerImage)
			.description("CPU seconds the worker spent per completed image over the last minute with images")
			.baseUnit("seconds")
			.register(registry);
	}

	void completed() {
		this.completed.increment();
	}

	/** Closes a window: the CPU since the last one that had images, over its images. */
	synchronized void sample() {
		long cpu = this.processCpuNanos.getAsLong();
		long images = this.completed.sum();
		if (images > this.lastCompleted) {
			this.secondsPerImage = (cpu - this.lastCpuNanos) / 1e9 / (images - this.lastCompleted);
		}
		this.lastCpuNanos = cpu;
		this.lastCompleted = images;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedRateTask(new FixedRateTask(this::sample, WINDOW, WINDOW));
	}

}
