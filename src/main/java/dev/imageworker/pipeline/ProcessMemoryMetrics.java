package dev.imageworker.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * The process's resident memory, which is what a container's memory limit counts: the
 * heap, the JVM's own memory and what libvips allocates, that the JVM's meters do not
 * see. Micrometer has no such meter; Linux gives it in {@code /proc/self/status}, and
 * elsewhere there is none.
 */
@Component
class ProcessMemoryMetrics implements MeterBinder {

	private static final Path STATUS = Path.of("/proc/self/status");

	@Override
	public void bindTo(MeterRegistry registry) {
		if (residentBytes(STATUS).isPresent()) {
			Gauge.builder("process.memory.rss", () -> residentBytes(STATUS).orElse(0))
				.description("Resident memory of the worker process: heap, JVM and native allocations")
				.baseUnit("bytes")
				.register(registry);
		}
	}

	static OptionalLong residentBytes(Path status) {
		try {
			return Files.readAllLines(status)
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.mapToLong(ProcessMemoryMetrics::kibibytes)
				.map((kib) -> kib * 1024)
				.findFirst();
		}
		catch (IOException | RuntimeException ex) {
			return OptionalLong.empty();
		}
	}

	private static long kibibytes(String line) {
		// "VmRSS: 123456 kB"
		return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").strip());
	}

}
