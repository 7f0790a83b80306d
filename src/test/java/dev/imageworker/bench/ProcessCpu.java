package dev.imageworker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A process's CPU time as the kernel accounts it in {@code /proc/<pid>/stat}: user and
 * system time of all its threads, those that ended included, plus what its children that
 * ended and were waited for took. Living children are processes of their own, read on
 * their own.
 */
final class ProcessCpu {

	/**
	 * Linux reports times in USER_HZ ticks, 100 a second on every architecture the JDK
	 * runs on ({@code getconf CLK_TCK}).
	 */
	private static final long TICKS_PER_SECOND = 100;

	/** utime, stime, cutime and cstime: fields 14 to 17 of the stat line. */
	private static final int UTIME = 14;

	/** {@code CLOCK_PROCESS_CPUTIME_ID} of Linux's {@code <time.h>}. */
	private static final int CLOCK_PROCESS_CPUTIME_ID = 2;

	private static final MethodHandle CLOCK_GETTIME = Linker.nativeLinker()
		.downcallHandle(Linker.nativeLinker().defaultLookup().find("clock_gettime").orElseThrow(),
				FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

	private ProcessCpu() {
	}

	/**
	 * This process's CPU time in nanoseconds, every thread's (native ones and those that
	 * ended included), from the kernel's process CPU clock: {@code /proc} and the JVM's
	 * {@code getProcessCpuTime} count in ticks of 10 ms, too coarse to time single
	 * encodes.
	 */
	static long selfNanos() {
		try (Arena arena = Arena.ofConfined()) {
			// struct timespec: tv_sec and tv_nsec, two longs on 64-bit Linux.
			MemorySegment timespec = arena.allocate(2 * Long.BYTES);
			int status = (int) CLOCK_GETTIME.invokeExact(CLOCK_PROCESS_CPUTIME_ID, timespec);
			if (status != 0) {
				throw new IllegalStateException("clock_gettime failed: " + status);
			}
			return timespec.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
					+ timespec.get(ValueLayout.JAVA_LONG, Long.BYTES);
		}
		catch (RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The CPU time of a process and its ended children. */
	static Duration of(long pid) {
		try {
			return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("no CPU time for process " + pid, ex);
		}
	}

	/** The CPU time of several processes together, such as a local AWS's. */
	static Duration of(List<Long> pids) {
		return pids.stream().map(ProcessCpu::of).reduce(Duration.ZERO, Duration::plus);
	}

	/**
	 * utime + stime + cutime + cstime of a {@code /proc/<pid>/stat} line. The command
	 * name, field 2, is in parentheses and may itself hold spaces and parentheses, so the
	 * fields are counted from the last closing one.
	 */
	static Duration parse(String stat) {
		int commandEnd = stat.lastIndexOf(')');
		if (commandEnd < 0) {
			throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
		}
		// Field 3 (state) is the first after the command name.
		String[] fields = stat.substring(commandEnd + 1).strip().split("\\s+");
		int first = UTIME - 3;
		if (fields.length < first + 4) {
			throw new IllegalArgumentException("too few fields in " + stat);
		}
		long ticks = 0;
		for (int field = first; field < first + 4; field++) {
			ticks += Long.parseLong(fields[field]);
		}
		return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
	}

}
