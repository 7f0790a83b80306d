package dev.imageworker.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * The proxy's kinds of fault against a stand-in for the local AWS: chosen requests
 * answered with an error or held until released, and the endpoint gone, open connections
 * cut and new ones refused until it is back.
 */
class FaultProxyTests {

	private final HttpServer upstream = upstream();

	private final FaultProxy proxy = new FaultProxy(
			URI.create("http://127.0.0.1:" + this.upstream.getAddress().getPort()));

	@AfterEach
	void stop() {
		this.proxy.close();
		this.upstream.stop(0);
	}

	@Test
	void answersChosenRequestsWithAnErrorAndForwardsTheRest() throws Exception {
		this.proxy.answerNext((request) -> request.path().equals("/denied"), FaultProxy.Answer.ACCESS_DENIED, 1);

		assertThat(get("/denied").statusCode()).isEqualTo(403);
		assertThat(get("/denied").body()).as("the next one is forwarded").isEqualTo("ok /denied");
		assertThat(get("/other").body()).isEqualTo("ok /other");
	}

	@Test
	void holdsAChosenRequestUntilReleasedAndForwardsTheRest() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger held = this.proxy.holdNext((request) -> request.path().equals("/held"), release,
				Duration.ofMinutes(1), 1);
		CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return get("/held");
			}
			catch (IOException | InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> held.get() == 1);

		assertThat(get("/other").body()).as("others pass meanwhile").isEqualTo("ok /other");
		assertThat(waiting).isNotDone();
		release.countDown();
		assertThat(waiting.get(10, TimeUnit.SECONDS).body()).isEqualTo("ok /held");
	}

	@Test
	void disconnectedItRefusesNewConnectionsUntilReconnected() throws Exception {
		assertThat(get("/before").statusCode()).isEqualTo(200);

		this.proxy.disconnect();
		assertThatIOException().isThrownBy(() -> get("/during"));
		assertThat(this.proxy.refused()).isPositive();

		this.proxy.reconnect();
		assertThat(get("/after").body()).isEqualTo("ok /after");
	}

	@Test
	void disconnectCutsAnOpenConnection() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.proxy.endpoint().getPort()));
			socket.setSoTimeout(5000);
			socket.getOutputStream()
				.write("GET /open HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			StringBuilder response = new StringBuilder();
			while (!response.toString().endsWith("ok /open")) {
				int read = in.read();
				assertThat(read).as("response so far: %s", response).isNotNegative();
				response.append((char) read);
			}

			this.proxy.disconnect();

			assertThat(endOfStreamOrReset(in)).as("the kept-alive connection is cut").isTrue();
		}
	}

	/** Each request on a new connection, so a refusal is not hidden by a pooled one. */
	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
			return http.send(HttpRequest.newBuilder(this.proxy.endpoint().resolve(path)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
	}

	private static boolean endOfStreamOrReset(InputStream in) throws IOException {
		try {
			return in.read() == -1;
		}
		catch (SocketException reset) {
			return true;
		}
	}

	/** Answers {@code ok <path>} to everything. */
	private static HttpServer upstream() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
			server.createContext("/", (exchange) -> {
				byte[] body = ("ok " + exchange.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
