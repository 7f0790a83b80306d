package dev.imageworker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProcessCpuTests {

	@Test
	void addsUserAndSystemTimeOfTheProcessAndOfItsEndedChildren() {
		// utime 150, stime 25, cutime 10, cstime 5 ticks of 10 ms.
		String stat = "4242 (java) S 1 4242 4242 0 -1 4194560 1000 0 0 0 150 25 10 5 20 0 40 0 1079007 "
				+ "3133440 408 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

		assertThat(ProcessCpu.parse(stat)).isEqualTo(Duration.ofMillis(1900));
	}

	@Test
	void countsFieldsFromTheLastParenthesisOfTheCommandName() {
		String stat = "77 (moto (server) 2) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 0 0";

		assertThat(ProcessCpu.parse(stat)).isEqualTo(Duration.ofMillis(100));
	}

	@Test
	void readsThisProcess() {
		assertThat(ProcessCpu.of(ProcessHandle.current().pid())).isPositive();
	}

	@Test
	void readsThisProcessToTheNanosecondWithEveryThreadsTime() throws InterruptedException {
		long before = ProcessCpu.selfNanos();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		Thread busy = Thread.ofPlatform().start(() -> {
			while (threads.getCurrentThreadCpuTime() < 25_000_000) {
				Thread.onSpinWait();
			}
		});
		busy.join();
		long spent = ProcessCpu.selfNanos() - before;

		// A thread that ended still counts, and no clock in ticks of 10 ms reads a value
		// off those ticks.
		assertThat(spent).isGreaterThanOrEqualTo(25_000_000);
		assertThat(spent % 10_000_000).isNotZero();
	}

	@Test
	void refusesWhatIsNotAStatLine() {
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCpu.parse("no command name"));
		assertThatIllegalArgumentException().isThrownBy(() -> ProcessCpu.parse("1 (x) S 1 2"));
	}

}
