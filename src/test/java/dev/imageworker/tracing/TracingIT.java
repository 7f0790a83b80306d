package dev.imageworker.tracing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import dev.imageworker.support.LocalAws;
import dev.imageworker.support.QueueCollector;
import dev.imageworker.support.SampleImages;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace per image, collected in memory: the receive continues the producer's
 * {@code traceparent}, the image's span holds its download, render (per variant), writes
 * and event, and the event carries the trace on. A failure's trace shows where it failed.
 */
@SpringBootTest(properties = { "management.tracing.enabled=true",
		"management.opentelemetry.tracing.export.schedule-delay=100ms", "image-worker.provision=true",
		"image-worker.queue=trace-queue", "image-worker.dead-letter-queue=trace-dlq",
		"image-worker.source-buckets=trace-uploads,trace-quiet", "image-worker.output-bucket=trace-thumbnails",
		"image-worker.table=trace-images", "image-worker.topic=arn:aws:sns:us-east-1:123456789012:trace-events" })
@Import(TracingIT.InMemorySpans.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final InMemorySpanExporter spans = InMemorySpanExporter.create();

	private static final String PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String PRODUCER_SPAN = "00f067aa0ba902b7";

	private static final Duration PATIENCE = Duration.ofSeconds(60);

	private final SqsClient sqs = aws.sqs();

	private QueueCollector events;

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	@BeforeAll
	void subscribeToEvents() {
		try (S3Client s3 = aws.s3(); SnsClient sns = aws.sns()) {
			s3.createBucket((request) -> request.bucket("trace-quiet"));
			this.events = QueueCollector.subscribedTo(this.sqs, sns, "trace-events", "trace-events-subscriber");
		}
	}

	@Test
	void anImagesTraceContinuesTheProducersAndHoldsEveryStepOfItsWork() {
		String key = "uploads/tina/img_7ace000000000001.jpg";
		upload(key, SampleImages.jpeg(1600, 1200));

		send(key);

		SpanData image = awaitSpan((span) -> "image".equals(span.getName())
				&& "img_7ace000000000001".equals(span.getAttributes().get(AttributeKey.stringKey("image.id"))));
		SpanData receive = parent(image);
		assertThat(receive.getTraceId()).as("the producer's trace").isEqualTo(PRODUCER_TRACE);
		assertThat(receive.getParentSpanId()).as("the producer's span").isEqualTo(PRODUCER_SPAN);
		awaitSpan((span) -> isChildOf(span, image) && span.getName().endsWith("UpdateItem"));
		List<String> children = names(childrenOf(image));
		assertThat(children).as("the image's work")
			.containsSubsequence("S3.GetObject", "DynamoDb.PutItem", "download", "imageworker.render", "S3.PutObject",
					"S3.PutObject", "DynamoDb.PutItem", "Sns.Publish", "DynamoDb.UpdateItem");
		SpanData render = childrenOf(image).stream()
			.filter((span) -> span.getName().equals("imageworker.render"))
			.findFirst()
			.orElseThrow();
		assertThat(names(childrenOf(render))).containsExactly("render medium", "render thumb");
		Message event = await().atMost(PATIENCE)
			.until(() -> this.events.matching((message) -> message.body().contains("img_7ace000000000001")),
					(found) -> !found.isEmpty())
			.getFirst();
		assertThat(event.messageAttributes().get("traceparent").stringValue()).as("the event carries the trace on")
			.contains(PRODUCER_TRACE);
		System.out.println("Trace of an image:\n" + tree(receive, ""));
	}

	@Test
	void aFailuresTraceShowsWhereItFailedAndWhatWasRecorded() {
		String key = "uploads/tina/img_7ace000000000002.jpg";
		upload(key, SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.5));

		send(key);

		SpanData image = awaitSpan((span) -> "image".equals(span.getName())
				&& "img_7ace000000000002".equals(span.getAttributes().get(AttributeKey.stringKey("image.id"))));
		assertThat(image.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		SpanData receive = parent(image);
		awaitSpan((span) -> isChildOf(span, receive) && span.getName().contains("send"));
		SpanData render = childrenOf(image).stream()
			.filter((span) -> span.getName().equals("imageworker.render"))
			.findFirst()
			.orElseThrow();
		assertThat(render.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(names(childrenOf(image))).containsSubsequence("S3.GetObject", "DynamoDb.PutItem", "download",
				"imageworker.render", "DynamoDb.UpdateItem", "Sns.Publish");
		assertThat(names(childrenOf(receive))).as("the dead letter, once for the message").contains("image");
		System.out.println("Trace of a failure:\n" + tree(receive, ""));
	}

	/** The span and its descendants, one per line, as the closing of a run shows them. */
	private static String tree(SpanData span, String indent) {
		StringBuilder tree = new StringBuilder(indent).append(span.getName())
			.append((span.getStatus().getStatusCode() == StatusCode.ERROR) ? " [ERROR]" : "")
			.append(String.format(" %.1f ms%n", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
		childrenOf(span).forEach((child) -> tree.append(tree(child, indent + "  ")));
		return tree.toString();
	}

	private void upload(String key, byte[] bytes) {
		try (S3Client s3 = aws.s3()) {
			s3.putObject((request) -> request.bucket("trace-quiet").key(key), RequestBody.fromBytes(bytes));
		}
	}

	/** The S3 event of the object, sent by a producer that traces. */
	private void send(String key) {
		String url = this.sqs.getQueueUrl((request) -> request.queueName("trace-queue")).queueUrl();
		String body = """
				{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put",
				 "s3":{"bucket":{"name":"trace-quiet"},"object":{"key":"%s"}}}]}""".formatted(key);
		this.sqs.sendMessage((request) -> request.queueUrl(url)
			.messageBody(body)
			.messageAttributes(Map.of("traceparent",
					MessageAttributeValue.builder()
						.dataType("String")
						.stringValue("00-" + PRODUCER_TRACE + "-" + PRODUCER_SPAN + "-01")
						.build())));
	}

	private static SpanData awaitSpan(Predicate<SpanData> matching) {
		return await().atMost(PATIENCE)
			.until(() -> spans.getFinishedSpanItems().stream().filter(matching).findFirst(), Optional::isPresent)
			.orElseThrow();
	}

	/** The parent span, once it ends: a receive ends after the work it contains. */
	private static SpanData parent(SpanData span) {
		return awaitSpan((candidate) -> candidate.getSpanId().equals(span.getParentSpanId()));
	}

	private static boolean isChildOf(SpanData span, SpanData parent) {
		return span.getParentSpanId().equals(parent.getSpanId());
	}

	private static List<SpanData> childrenOf(SpanData parent) {
		return spans.getFinishedSpanItems()
			.stream()
			.filter((span) -> isChildOf(span, parent))
			.sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
			.toList();
	}

	private static List<String> names(List<SpanData> spans) {
		return spans.stream().map(SpanData::getName).toList();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemorySpans {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return spans;
		}

	}

}
