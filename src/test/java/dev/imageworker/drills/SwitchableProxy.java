package dev.imageworker.drills;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the local AWS that can be switched off: while off, open
 * connections are cut and new ones are closed at once, as when an endpoint disappears.
 * moto keeps its state in memory, so it cannot simply be restarted.
 */
final class SwitchableProxy implements AutoCloseable {

	private final URI target;

	private final ServerSocket server;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refused = new AtomicInteger();

	private volatile boolean on = true;

	SwitchableProxy(URI target) {
		this.target = target;
		try {
			this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread.ofVirtual().start(this::accept);
	}

	URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getLocalPort());
	}

	void off() {
		this.on = false;
		this.open.forEach(SwitchableProxy::closeQuietly);
		this.open.clear();
	}

	void on() {
		this.on = true;
	}

	/** Connections refused while off. */
	int refused() {
		return this.refused.get();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (!this.on) {
					this.refused.incrementAndGet();
					closeQuietly(client);
					continue;
				}
				Socket upstream = new Socket(this.target.getHost(), this.target.getPort());
				this.open.add(client);
				this.open.add(upstream);
				Thread.ofVirtual().start(() -> pipe(client, upstream));
				Thread.ofVirtual().start(() -> pipe(upstream, client));
			}
			catch (IOException ex) {
				// Closed, or the target refused: the client sees a dropped connection.
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// Cut by off() or closed by either end.
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing is all that is wanted.
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		off();
	}

}
