package dev.imageworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time of a process's live threads from {@code /proc/<pid>/task}, summed per thread
 * name with its numbering dropped ({@code C2 CompilerThre}, {@code render-}), so a phase
 * can be split into rendering, AWS calls, compilation and garbage collection. Threads
 * that end within the phase take their time with them; on other systems it is empty.
 */
record ThreadCpu(Map<String, Long> millisByGroup) {

	private static final long TICK_MILLIS = 10;

	static ThreadCpu of(long pid) {
		Map<String, Long> groups = new HashMap<>();
		try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
			tasks.forEach((task) -> read(task, groups));
		}
		catch (IOException ex) {
			// Not Linux, or the process is gone: nothing to split.
		}
		return new ThreadCpu(groups);
	}

	private static void read(Path task, Map<String, Long> groups) {
		try {
			String stat = Files.readString(task.resolve("stat"));
			// The name is in parentheses and may itself contain spaces or parentheses.
			String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			groups.merge(name.replaceAll("[#\\d]+", "").strip(), ticks * TICK_MILLIS, Long::sum);
		}
		catch (IOException | RuntimeException ex) {
			// The thread ended while being read.
		}
	}

	/** Per group, the time spent since {@code before}, largest first, per image. */
	String since(ThreadCpu before, int images) {
		Map<Long, String> ordered = new TreeMap<>((a, b) -> Long.compare(b, a));
		this.millisByGroup.forEach((group, millis) -> {
			long spent = millis - before.millisByGroup.getOrDefault(group, 0L);
			if (spent > 0) {
				ordered.merge(spent, group, (a, b) -> a + ", " + b);
			}
		});
		StringBuilder line = new StringBuilder();
		ordered.forEach((spent, groups) -> line.append(line.isEmpty() ? "" : "; ")
			.append(groups)
			.append(' ')
			.append(String.format("%.1f", (double) spent / images)));
		return line.toString();
	}

}
