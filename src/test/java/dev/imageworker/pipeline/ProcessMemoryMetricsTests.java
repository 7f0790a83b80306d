package dev.imageworker.pipeline;

import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessMemoryMetricsTests {

	@Test
	void readsTheResidentSetFromTheProcessStatus(@TempDir Path dir) throws Exception {
		Path status = Files.writeString(dir.resolve("status"),
				"Name:\tjava\nVmPeak:\t 9000000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t  100000 kB\n");

		assertThat(ProcessMemoryMetrics.residentBytes(status)).hasValue(123456L * 1024);
		assertThat(ProcessMemoryMetrics.residentBytes(dir.resolve("missing"))).isEmpty();
		assertThat(ProcessMemoryMetrics.residentBytes(Files.writeString(dir.resolve("other"), "Name:\tjava\n")))
			.isEmpty();
	}

	@Test
	void theGaugeReadsThisProcessWhoseHeapInUseIsMostlyResident() {
		assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux only");
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ProcessMemoryMetrics().bindTo(registry);

		Runtime runtime = Runtime.getRuntime();
		assertThat(registry.get("process.memory.rss").gauge().value())
			.isGreaterThan((double) (runtime.totalMemory() - runtime.freeMemory()) / 2);
	}

}
