package dev.imageworker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where AWS is for tests and local runs: Testcontainers LocalStack when a Docker engine
 * answers, else {@code moto_server} on a free loopback port, else a clear error naming
 * both. The tests share one instance per JVM, stopped when the JVM exits; the local run
 * starts its own and stops it once the worker has stopped ({@link #start()}).
 * {@code -Dlocal-aws=moto|localstack} (or {@code LOCAL_AWS}) forces a choice, and
 * {@code -Dlocal-aws.moto-command} (or {@code LOCAL_AWS_MOTO_COMMAND}) names another
 * command that starts moto with moto_server's arguments, such as the benchmarks' one that
 * counts moto's CPU. moto starts with {@code local-aws/sitecustomize.py} on its Python
 * path, which keeps its garbage collector from pausing it in the middle of a measurement
 * and leaves Ctrl-C to whoever started it.
 */
public final class LocalAws implements AutoCloseable {

	/** Pinned: {@code latest} needs an auth token. */
	public static final String LOCALSTACK_IMAGE = "localstack/localstack:4.4.0";

	private static final Duration STARTUP = Duration.ofSeconds(30);

	private static LocalAws shared;

	private final URI endpoint;

	private final String region;

	private final String description;

	private final Runnable stop;

	private LocalAws(URI endpoint, String region, String description, Runnable stop) {
		this.endpoint = endpoint;
		this.region = region;
		this.description = description;
		this.stop = stop;
	}

	/** The local AWS of this JVM's tests, started on first use. */
	public static synchronized LocalAws shared() {
		if (shared == null) {
			shared = stoppedAtExit(start());
		}
		return shared;
	}

	/**
	 * A local AWS of the caller's own, chosen as for the tests, which the caller stops
	 * with {@link #close()}. A JVM shutdown hook would stop it while the worker's own
	 * hook is still stopping the listener, whose polls would then fail by the page.
	 */
	public static LocalAws start() {
		return start(System.getProperty("local-aws", System.getenv().getOrDefault("LOCAL_AWS", "auto")));
	}

	public static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static LocalAws start(String choice) {
		return switch (choice.toLowerCase(Locale.ROOT)) {
			case "localstack" -> localStack();
			case "moto" -> moto();
			default -> {
				if (dockerAvailable()) {
					yield localStack();
				}
				System.out
					.println("No Docker engine: using moto_server as the local AWS; LocalStack tests are skipped.");
				yield moto();
			}
		};
	}

	/** LocalStack of its own, stopped when the JVM exits. */
	public static LocalAws startLocalStack() {
		return stoppedAtExit(localStack());
	}

	/** A moto_server of its own, stopped when the JVM exits. */
	public static LocalAws startMoto() {
		return stoppedAtExit(moto());
	}

	private static LocalAws stoppedAtExit(LocalAws aws) {
		Runtime.getRuntime().addShutdownHook(new Thread(aws::close, "local-aws-stop"));
		return aws;
	}

	private static LocalAws localStack() {
		LocalStackContainer localStack = new LocalStackContainer(DockerImageName.parse(LOCALSTACK_IMAGE))
			.withServices("s3", "sqs", "sns", "dynamodb", "cloudwatch");
		localStack.start();
		return new LocalAws(localStack.getEndpoint(), localStack.getRegion(), "LocalStack " + LOCALSTACK_IMAGE,
				localStack::stop);
	}

	private static LocalAws moto() {
		String command = System.getProperty("local-aws.moto-command",
				System.getenv().getOrDefault("LOCAL_AWS_MOTO_COMMAND", "moto_server"));
		if (!executable(command)) {
			throw new IllegalStateException("No local AWS: start a Docker engine (tests then use Testcontainers "
					+ "LocalStack) or install moto_server (pip install 'moto[server]'); " + command
					+ " is not an executable" + (command.contains("/") ? "" : " on PATH") + ".");
		}
		int port = Loopback.freePort();
		try {
			Path log = Files.createTempFile("moto-server-", ".log");
			ProcessBuilder builder = new ProcessBuilder(command, "-H", "127.0.0.1", "-p", Integer.toString(port))
				.redirectErrorStream(true)
				.redirectOutput(log.toFile());
			builder.environment().merge("PYTHONPATH", pythonStartup().toString(), (path, ours) -> ours + ":" + path);
			Process moto = builder.start();
			awaitPort(port, moto, log);
			return new LocalAws(URI.create("http://127.0.0.1:" + port), "us-east-1",
					command + " on 127.0.0.1:" + port + " (log " + log + ")", () -> stop(moto));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("moto_server did not start", ex);
		}
	}

	/**
	 * The directory of the sitecustomize.py that keeps moto's collector from pausing it
	 * and leaves Ctrl-C to the JVM.
	 */
	private static Path pythonStartup() {
		try {
			return Path.of(LocalAws.class.getResource("/local-aws/sitecustomize.py").toURI()).getParent();
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void stop(Process moto) {
		moto.destroy();
		try {
			moto.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Stops the server, or the container, and forgets everything it held. */
	@Override
	public void close() {
		this.stop.run();
	}

	public URI endpoint() {
		return this.endpoint;
	}

	public String region() {
		return this.region;
	}

	public String description() {
		return this.description;
	}

	/** The Spring Cloud AWS properties that point the worker here. */
	public Map<String, String> springProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.cloud.aws.endpoint", this.endpoint.toString());
		properties.put("spring.cloud.aws.region.static", this.region);
		properties.put("spring.cloud.aws.credentials.access-key", "test");
		properties.put("spring.cloud.aws.credentials.secret-key", "test");
		properties.put("spring.cloud.aws.s3.path-style-access-enabled", "true");
		return properties;
	}

	public <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
		return builder.endpointOverride(this.endpoint)
			.region(Region.of(this.region))
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
			.build();
	}

	public S3Client s3() {
		return client(S3Client.builder().forcePathStyle(true));
	}

	public SqsClient sqs() {
		return client(SqsClient.builder());
	}

	public SnsClient sns() {
		return client(SnsClient.builder());
	}

	public DynamoDbClient dynamo() {
		return client(DynamoDbClient.builder());
	}

	/** A path to an executable, or the name of one on PATH. */
	private static boolean executable(String command) {
		if (command.contains("/")) {
			return Files.isExecutable(Path.of(command));
		}
		String path = System.getenv().getOrDefault("PATH", "");
		for (String dir : path.split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, command))) {
				return true;
			}
		}
		return false;
	}

	private static void awaitPort(int port, Process process, Path log) {
		try {
			Awaitility.await("moto_server listening on port " + port)
				.atMost(STARTUP)
				.pollInterval(Duration.ofMillis(100))
				.until(() -> listening(port, process, log));
		}
		catch (ConditionTimeoutException ex) {
			process.destroy();
			throw ex;
		}
	}

	private static boolean listening(int port, Process process, Path log) throws IOException {
		if (!process.isAlive()) {
			throw new IllegalStateException("moto_server exited: " + Files.readString(log));
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
			return true;
		}
		catch (IOException notYet) {
			return false;
		}
	}

}
