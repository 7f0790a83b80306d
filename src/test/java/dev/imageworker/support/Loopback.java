package dev.imageworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on this machine's loopback interface, where every test server listens. */
public final class Loopback {

	private Loopback() {
	}

	/**
	 * A port nothing listens on now, for a process that has to be told its port before it
	 * starts; binding port 0 is better wherever the server is in this JVM.
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
