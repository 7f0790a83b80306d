package dev.imageworker.local;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.ingest.ImageIds;
import dev.imageworker.support.SampleImages;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Uploads generated samples, one of them broken, and prints a line per image as it ends.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SampleUploads {

	private static final Duration PATIENCE = Duration.ofMinutes(2);

	@Bean
	ApplicationRunner uploadSamples(S3Client s3, ImageCatalog catalog, ImageIds ids, ImageWorkerProperties properties,
			Environment environment) {
		return (ApplicationArguments arguments) -> {
			String bucket = properties.sourceBuckets().getFirst();
			Map<String, byte[]> samples = new LinkedHashMap<>();
			samples.put("uploads/demo/landscape.jpg", SampleImages.jpeg(4000, 3000));
			samples.put("uploads/demo/portrait-rotated.jpg",
					SampleImages.withOrientation(SampleImages.jpeg(1600, 1200), 6));
			samples.put("uploads/demo/logo-transparent.png", SampleImages.png(900, 600, true));
			samples.put("uploads/demo/icon.png", SampleImages.png(64, 48, false));
			samples.put("uploads/demo/broken.jpg", SampleImages.truncated(SampleImages.jpeg(1200, 900), 0.4));
			samples.forEach((key, bytes) -> s3.putObject((request) -> request.bucket(bucket).key(key),
					RequestBody.fromBytes(bytes)));
			System.out.printf("%nUploaded %d samples to s3://%s/uploads/demo/ ...%n", samples.size(), bucket);
			report(catalog, samples.keySet().stream().map((key) -> ids.fromKey(bucket, key)).toList());
			String endpoint = environment.getProperty("spring.cloud.aws.endpoint");
			System.out.printf(
					"%nThe worker keeps running. Upload more with:%n"
							+ "  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \\%n"
							+ "  aws --endpoint-url %s s3 cp photo.jpg s3://%s/uploads/me/photo.jpg%n"
							+ "and list the thumbnails (<imageId>/<source ETag>/<variant>.jpg) with:%n"
							+ "  aws --endpoint-url %s s3 ls s3://%s --recursive%n"
							+ "Probes: http://localhost:%s/livez  Actuator: http://localhost:%s/actuator/health, "
							+ "/actuator/prometheus  Ctrl-C stops.%n%n",
					endpoint, bucket, endpoint, properties.outputBucket(), environment.getProperty("local.server.port"),
					environment.getProperty("local.management.port"));
		};
	}

	private static void report(ImageCatalog catalog, List<String> imageIds) throws InterruptedException {
		List<String> pending = new java.util.ArrayList<>(imageIds);
		long deadline = System.nanoTime() + PATIENCE.toNanos();
		while (!pending.isEmpty() && System.nanoTime() < deadline) {
			for (String imageId : List.copyOf(pending)) {
				catalog.find(imageId).filter(SampleUploads::isFinal).ifPresent((item) -> {
					System.out.println(summary(item));
					pending.remove(imageId);
				});
			}
			Thread.sleep(250);
		}
		pending.forEach((imageId) -> System.out.println(imageId + ": not finished within " + PATIENCE));
	}

	private static boolean isFinal(Map<String, AttributeValue> item) {
		String status = item.get("status").s();
		return "COMPLETED".equals(status) || "FAILED".equals(status);
	}

	private static String summary(Map<String, AttributeValue> item) {
		String head = String.format("  %-36s %-9s", item.get("sourceKey").s(), item.get("status").s());
		if (item.containsKey("error")) {
			Map<String, AttributeValue> error = item.get("error").m();
			return head + " " + error.get("code").s() + ": " + error.get("message").s();
		}
		String variants = item.get("variants")
			.l()
			.stream()
			.map(AttributeValue::m)
			.map((v) -> String.format("%s %sx%s %.1f KiB", v.get("name").s(), v.get("width").n(), v.get("height").n(),
					Long.parseLong(v.get("bytes").n()) / 1024.0))
			.collect(Collectors.joining(", "));
		return String.format("%s %s %sx%s -> %s in %s ms", head, item.get("format").s(), item.get("width").n(),
				item.get("height").n(), variants, item.get("processingMillis").n());
	}

}
