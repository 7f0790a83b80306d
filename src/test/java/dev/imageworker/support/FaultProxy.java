package dev.imageworker.support;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A proxy in front of the local AWS that fails the way AWS fails. Over HTTP it answers
 * chosen requests with a real error (a 503 as S3 and SNS give under load, a throttle, an
 * access denial) or holds them, and forwards everything else untouched: the AWS SDK sees
 * a genuine error on the wire, its retries included. Over TCP it can disappear
 * ({@link #disconnect()}): open connections are cut and new ones closed at once, as when
 * an endpoint is gone; moto keeps its state in memory, so it cannot simply be stopped and
 * started again instead. It also notes the IAM action of every request it sees, so a test
 * can check them against the deployed policy.
 * <p>
 * Clients connect to a TCP front that pipes each connection to the HTTP proxy behind it,
 * which is what lets the connections be cut.
 */
public final class FaultProxy implements AutoCloseable {

	private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host", "upgrade",
			"transfer-encoding", "keep-alive");

	private static final Answer SLOW_DOWN = Answer.xml(503, "SlowDown", "Please reduce your request rate.");

	private final URI target;

	private final HttpServer server;

	private final ServerSocket front;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger refused = new AtomicInteger();

	private volatile boolean connected = true;

	private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	/** The service a request is signed for, from its SigV4 credential scope. */
	private static final Pattern SIGNED_SERVICE = Pattern.compile("Credential=[^/]+/\\d{8}/[^/]+/([^/]+)/aws4_request");

	private static final Pattern QUERY_ACTION = Pattern.compile("(?:^|&)Action=(\\w+)");

	private final List<Fault> faults = new CopyOnWriteArrayList<>();

	private final Set<String> actions = ConcurrentHashMap.newKeySet();

	private final List<BiConsumer<Request, byte[]>> responseObservers = new CopyOnWriteArrayList<>();

	public FaultProxy(URI target) {
		this.target = target;
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.createContext("/", this::handle);
		this.server.start();
		try {
			this.front = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			this.server.stop(0);
			throw new UncheckedIOException(ex);
		}
		Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
	}

	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.front.getLocalPort());
	}

	/**
	 * The endpoint disappears: open connections are cut, and new ones are closed as soon
	 * as they are accepted until {@link #reconnect()}.
	 */
	public void disconnect() {
		this.connected = false;
		this.open.forEach(FaultProxy::closeQuietly);
		this.open.clear();
	}

	/** The endpoint is back. */
	public void reconnect() {
		this.connected = true;
	}

	/** Connections closed at once while disconnected. */
	public int refused() {
		return this.refused.get();
	}

	/**
	 * Fails the next {@code times} requests whose method is {@code method} and whose
	 * decoded path ends with {@code pathSuffix}.
	 * @return a counter of the faults served so far
	 */
	public AtomicInteger failNext(String method, String pathSuffix, int times) {
		return failNext((request) -> request.method().equals(method) && request.path().endsWith(pathSuffix), times);
	}

	/**
	 * Fails the next {@code times} requests that match.
	 * @return a counter of the faults served so far
	 */
	public AtomicInteger failNext(Predicate<Request> matching, int times) {
		return answerNext(matching, SLOW_DOWN, times);
	}

	/**
	 * Answers the next {@code times} requests that match with an error.
	 * @return a counter of the answers served so far
	 */
	public AtomicInteger answerNext(Predicate<Request> matching, Answer answer, int times) {
		Fault fault = new Fault(matching, answer, null, null, new AtomicInteger(times), new AtomicInteger());
		this.faults.add(fault);
		return fault.served();
	}

	/**
	 * Holds the next {@code times} requests that match for a while before forwarding
	 * them, as a slow network or server would.
	 * @return a counter of the requests held so far
	 */
	public AtomicInteger delayNext(Predicate<Request> matching, Duration delay, int times) {
		Fault fault = new Fault(matching, null, delay, null, new AtomicInteger(times), new AtomicInteger());
		this.faults.add(fault);
		return fault.served();
	}

	/**
	 * Holds the next {@code times} requests that match until {@code release} counts down,
	 * for at most {@code atMost}: held until a test has seen what it waits for, however
	 * slow the machine, rather than for a guess at how long that takes.
	 * @return a counter of the requests held so far
	 */
	public AtomicInteger holdNext(Predicate<Request> matching, CountDownLatch release, Duration atMost, int times) {
		Fault fault = new Fault(matching, null, atMost, release, new AtomicInteger(times), new AtomicInteger());
		this.faults.add(fault);
		return fault.served();
	}

	/** Shows every forwarded request's response body to the observer. */
	public void observeResponses(BiConsumer<Request, byte[]> observer) {
		this.responseObservers.add(observer);
	}

	/** The IAM actions of the requests seen since the last {@link #forgetActions()}. */
	public Set<String> actions() {
		return new TreeSet<>(this.actions);
	}

	public void forgetActions() {
		this.actions.clear();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body;
			try (InputStream in = exchange.getRequestBody()) {
				body = in.readAllBytes();
			}
			Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
					exchange.getRequestURI().getRawQuery(),
					text(body, exchange.getRequestHeaders().getFirst("Content-Encoding")));
			this.actions.add(iamAction(request, exchange.getRequestHeaders().getFirst("Authorization"),
					exchange.getRequestHeaders().getFirst("X-Amz-Target")));
			for (Fault fault : this.faults) {
				if (fault.matching().test(request) && fault.remaining().getAndDecrement() > 0) {
					fault.served().incrementAndGet();
					if (fault.answer() != null) {
						byte[] error = fault.answer().body().getBytes(StandardCharsets.UTF_8);
						exchange.getResponseHeaders().set("Content-Type", fault.answer().contentType());
						exchange.sendResponseHeaders(fault.answer().status(), error.length);
						exchange.getResponseBody().write(error);
						return;
					}
					// The delay is the fault: a slow network or server.
					hold(fault);
				}
			}
			forward(exchange, request, body);
		}
	}

	private void forward(HttpExchange exchange, Request seen, byte[] body) throws IOException {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.target.resolve(exchange.getRequestURI().toString()))
			.method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
		exchange.getRequestHeaders().forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
				values.forEach((value) -> request.header(name, value));
			}
		});
		HttpResponse<byte[]> response;
		try {
			response = this.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
		response.headers().map().forEach((name, values) -> {
			if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
				exchange.getResponseHeaders().put(name, values);
			}
		});
		boolean head = "HEAD".equals(exchange.getRequestMethod());
		if (head) {
			// A HEAD answer carries the object's length without its body.
			response.headers()
				.firstValue("content-length")
				.ifPresent((length) -> exchange.getResponseHeaders().set("Content-Length", length));
		}
		byte[] payload = response.body();
		this.responseObservers.forEach((observer) -> observer.accept(seen, payload));
		exchange.sendResponseHeaders(response.statusCode(), (head || payload.length == 0) ? -1 : payload.length);
		if (!head && payload.length > 0) {
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(payload);
			}
		}
	}

	/**
	 * The body as text; the SDK gzips some requests, CloudWatch's PutMetricData among
	 * them.
	 */
	private static String text(byte[] body, String encoding) throws IOException {
		if ("gzip".equalsIgnoreCase(encoding)) {
			try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
				return new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
		return new String(body, StandardCharsets.UTF_8);
	}

	private static void hold(Fault fault) throws IOException {
		try {
			if (fault.release() != null) {
				fault.release().await(fault.delay().toMillis(), TimeUnit.MILLISECONDS);
			}
			else {
				Thread.sleep(fault.delay());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * The action IAM authorises a request as: the JSON protocols name it in
	 * {@code X-Amz-Target}, the query protocol in its {@code Action} parameter, and S3 in
	 * its method on an object (a HEAD needs {@code s3:GetObject}; a multi-object delete,
	 * a POST to the bucket, {@code s3:DeleteObject} for each key).
	 */
	static String iamAction(Request request, String authorization, String target) {
		Matcher signed = SIGNED_SERVICE.matcher((authorization != null) ? authorization : "");
		// CloudWatch signs as "monitoring"; IAM names its actions "cloudwatch:".
		String service = signed.find() ? signed.group(1).replace("monitoring", "cloudwatch") : "unsigned";
		if (target != null) {
			String operation = target.substring(target.lastIndexOf('.') + 1);
			// SQS authorises a batch as the action it batches.
			return service + ":" + (service.equals("sqs") ? operation.replaceFirst("Batch$", "") : operation);
		}
		Matcher query = QUERY_ACTION.matcher(request.body());
		if (!service.equals("s3") && query.find()) {
			return service + ":" + query.group(1);
		}
		boolean object = request.path().indexOf('/', 1) > 0;
		if (!object && request.method().equals("POST") && request.query() != null
				&& request.query().startsWith("delete")) {
			return "s3:DeleteObject";
		}
		if (!object && service.equals("s3") && (request.method().equals("HEAD") || request.method().equals("GET"))) {
			// HeadBucket and ListObjects.
			return "s3:ListBucket";
		}
		return switch (object ? request.method() : "bucket") {
			case "GET", "HEAD" -> "s3:GetObject";
			case "PUT" -> "s3:PutObject";
			case "DELETE" -> "s3:DeleteObject";
			default -> service + ":" + request.method() + " " + request.path();
		};
	}

	private void accept() {
		while (!this.front.isClosed()) {
			try {
				Socket client = this.front.accept();
				if (!this.connected) {
					this.refused.incrementAndGet();
					closeQuietly(client);
					continue;
				}
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.server.getAddress().getPort());
				this.open.add(client);
				this.open.add(upstream);
				Thread.ofVirtual().start(() -> pipe(client, upstream));
				Thread.ofVirtual().start(() -> pipe(upstream, client));
			}
			catch (IOException ex) {
				// Closed: the client sees a dropped connection.
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			in.transferTo(out);
		}
		catch (IOException ex) {
			// Cut by disconnect() or closed by either end.
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
		}
	}

	private static void closeQuietly(Closeable socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Closing is all that is wanted.
		}
	}

	@Override
	public void close() {
		closeQuietly(this.front);
		disconnect();
		this.server.stop(0);
	}

	/**
	 * What a fault can match on.
	 *
	 * @param method the HTTP method
	 * @param path the decoded path
	 * @param query the raw query string, or null
	 * @param body the body as text (form-encoded for query-protocol services such as SNS)
	 */
	public record Request(String method, String path, String query, String body) {
	}

	/**
	 * An error answer as the AWS protocols shape them.
	 *
	 * @param status the HTTP status
	 * @param contentType its media type
	 * @param body its body
	 */
	public record Answer(int status, String contentType, String body) {

		/** What S3 answers a role that may not read an object. */
		public static final Answer ACCESS_DENIED = xml(403, "AccessDenied", "Access Denied");

		/** What DynamoDB answers a table over its throughput. */
		public static final Answer THROTTLED = json(400,
				"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
				"The level of configured provisioned throughput for the table was exceeded.");

		/** S3's and the query protocols' XML error. */
		public static Answer xml(int status, String code, String message) {
			return new Answer(status, "application/xml", """
					<?xml version="1.0" encoding="UTF-8"?>
					<Error><Code>%s</Code><Message>%s</Message></Error>""".formatted(code, message));
		}

		/** The JSON protocols' error (DynamoDB, SQS). */
		public static Answer json(int status, String type, String message) {
			return new Answer(status, "application/x-amz-json-1.0",
					"{\"__type\":\"%s\",\"message\":\"%s\"}".formatted(type, message));
		}

	}

	/**
	 * A fault to serve.
	 *
	 * @param matching the requests it applies to
	 * @param answer the error answered, or null to hold the request
	 * @param delay how long a request is held, or at most when {@code release} is given
	 * @param release what ends the hold, or null to hold for {@code delay}
	 * @param remaining how many more requests it applies to
	 * @param served how many it applied to
	 */
	private record Fault(Predicate<Request> matching, Answer answer, Duration delay, CountDownLatch release,
			AtomicInteger remaining, AtomicInteger served) {
	}

}
