package dev.imageworker.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import dev.imageworker.deploy.PromQl.Selector;
import dev.imageworker.support.FaultProxy;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every series the Grafana dashboard queries is one the running worker exports on
 * {@code /actuator/prometheus}: the metric name, each label a matcher names, and each
 * label value a matcher requires, once the worker has completed an image, failed one and
 * retried one after a transient fault.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "image-worker.provision=true", "image-worker.queue=dashboard-queue",
				"image-worker.dead-letter-queue=dashboard-dlq", "image-worker.source-buckets=dashboard-uploads",
				"image-worker.output-bucket=dashboard-thumbnails", "image-worker.table=dashboard-images",
				"image-worker.topic=dashboard-events", "image-worker.processing.retry-backoff=1s",
				"management.server.port=0" })
class DashboardMetricsIT {

	private static final LocalAws aws = LocalAws.shared();

	private static final FaultProxy faults = new FaultProxy(aws.endpoint());

	private static final String UPLOADS = "dashboard-uploads";

	/** Labels Prometheus adds to every series it scrapes. */
	private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

	private final Environment environment;

	@Autowired
	DashboardMetricsIT(Environment environment) {
		this.environment = environment;
	}

	@DynamicPropertySource
	static void localAws(DynamicPropertyRegistry registry) {
		aws.springProperties().forEach((name, value) -> registry.add(name, () -> value));
		registry.add("spring.cloud.aws.s3.endpoint", () -> faults.endpoint().toString());
	}

	@Test
	void everySeriesTheDashboardQueriesIsExported() throws Exception {
		byte[] jpeg = SampleImages.jpeg(600, 400);
		// More 503s on reading the source than the SDK retries by itself: one receive
		// fails.
		faults.failNext("GET", "/" + UPLOADS + "/uploads/dana/flaky.jpg", 4);
		try (S3Client s3 = aws.s3()) {
			upload(s3, "uploads/dana/ok.jpg", jpeg);
			upload(s3, "uploads/dana/broken.jpg", SampleImages.truncated(jpeg, 0.4));
			upload(s3, "uploads/dana/flaky.jpg", jpeg);
		}
		// The job timer is recorded last, after the item and the event.
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(scrape().series().get("imageworker_job_seconds_count"))
				.extracting((labels) -> labels.get("outcome"))
				.contains("completed", "failed", "retried"));
		PrometheusScrape scrape = scrape();
		GrafanaDashboard dashboard = GrafanaDashboard.load();

		for (GrafanaDashboard.Query query : dashboard.queries()) {
			query.selectors().forEach((selector) -> assertExported(scrape, query.panel(), selector));
		}
		for (GrafanaDashboard.LabelValues variable : dashboard.labelValues()) {
			String where = "variable " + variable.variable();
			PromQl.selectors(variable.selector()).forEach((selector) -> {
				assertExported(scrape, where, selector);
				assertThat(labels(scrape, selector.metric())).as(where).contains(variable.label());
			});
		}
	}

	private static void upload(S3Client s3, String key, byte[] bytes) {
		s3.putObject((request) -> request.bucket(UPLOADS).key(key), RequestBody.fromBytes(bytes));
	}

	private static void assertExported(PrometheusScrape scrape, String where, Selector selector) {
		assertThat(scrape.names()).as("%s: metric", where).contains(selector.metric());
		for (PromQl.Matcher matcher : selector.matchers()) {
			assertThat(labels(scrape, selector.metric())).as("%s: labels of %s", where, selector.metric())
				.contains(matcher.label());
			if (matcher.isLiteral() && !TARGET_LABELS.contains(matcher.label())) {
				assertThat(scrape.hasSeries(selector.metric(), matcher.label(), matcher.value()))
					.as("%s: a series %s{%s=\"%s\"}", where, selector.metric(), matcher.label(), matcher.value())
					.isTrue();
			}
		}
	}

	private static Set<String> labels(PrometheusScrape scrape, String metric) {
		Set<String> labels = new TreeSet<>(scrape.labelNames(metric));
		labels.addAll(TARGET_LABELS);
		return labels;
	}

	private PrometheusScrape scrape() throws IOException, InterruptedException {
		URI uri = URI.create(
				"http://127.0.0.1:" + this.environment.getProperty("local.management.port") + "/actuator/prometheus");
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as("GET %s without credentials", uri).isEqualTo(200);
			return PrometheusScrape.parse(response.body());
		}
	}

}
