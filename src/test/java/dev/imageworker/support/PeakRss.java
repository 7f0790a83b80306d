package dev.imageworker.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's peak resident set size (VmHWM), as a container's memory limit sees it.
 */
public final class PeakRss {

	private PeakRss() {
	}

	/** The peak so far in KiB, or -1 once the process is gone. */
	public static long kib(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("\\D", ""));
				}
			}
		}
		catch (IOException ex) {
			// Gone already.
		}
		return -1;
	}

}
