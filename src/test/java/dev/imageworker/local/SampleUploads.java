package dev.imageworker.local;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.imageworker.catalog.ImageCatalog;
import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.core.ImageIds;
import dev.imageworker.support.SampleImages;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.ERROR_MESSAGE;
import static dev.imageworker.catalog.ItemAttributes.FORMAT;
import static dev.imageworker.catalog.ItemAttributes.HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.PROCESSING_MILLIS;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_KEY;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BUCKET;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_BYTES;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_HEIGHT;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_KEY;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_NAME;
import static dev.imageworker.catalog.ItemAttributes.VARIANT_WIDTH;
import static dev.imageworker.catalog.ItemAttributes.WIDTH;

/**
 * Uploads generated samples, one of them broken, prints a line per image as it ends, a
 * summary line once all have, and writes an HTML report of the run.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SampleUploads {

	private static final Duration PATIENCE = Duration.ofMinutes(2);

	private static final Path REPORT = Path.of("target", "local-run");

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
			Instant started = Instant.now();
			List<Upload> uploads = new ArrayList<>();
			samples.forEach((key, bytes) -> {
				s3.putObject((request) -> request.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
				uploads.add(new Upload(key, ids.fromKey(bucket, key), bytes, Instant.now()));
			});
			System.out.printf("%nUploaded %d samples to s3://%s/uploads/demo/ ...%n", samples.size(), bucket);
			List<RunItem> items = awaitFinal(s3, catalog, uploads);
			RunSummary summary = RunSummary.of(items, started);
			System.out.println("Summary: " + summary.line());
			report(summary, items);
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

	/**
	 * Polls the items until every upload is final or patience runs out, in upload order.
	 */
	private static List<RunItem> awaitFinal(S3Client s3, ImageCatalog catalog, List<Upload> uploads) {
		Map<Upload, RunItem> finished = new ConcurrentHashMap<>();
		try {
			Awaitility.await("every sample upload final")
				.atMost(PATIENCE)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> {
					for (Upload upload : uploads) {
						if (!finished.containsKey(upload)) {
							catalog.find(upload.imageId()).filter(SampleUploads::isFinal).ifPresent((item) -> {
								System.out.println(line(item));
								finished.put(upload, item(s3, upload, item));
							});
						}
					}
					return finished.size() == uploads.size();
				});
		}
		catch (ConditionTimeoutException ex) {
			// Reported below, upload by upload.
		}
		List<RunItem> items = new ArrayList<>();
		for (Upload upload : uploads) {
			RunItem item = finished.get(upload);
			if (item == null) {
				System.out.println("  " + upload.key() + ": not finished within " + PATIENCE);
				item = new RunItem(upload.key(), upload.imageId(), RunItem.UNFINISHED, upload.bytes(), "",
						upload.uploadedAt(), null, null, null, List.of());
			}
			items.add(item);
		}
		return items;
	}

	private static void report(RunSummary summary, List<RunItem> items) {
		try {
			System.out.println("Report: " + RunReport.write(REPORT, summary, items).toAbsolutePath().toUri());
		}
		catch (IOException ex) {
			// The run itself went fine; the worker keeps running for more uploads.
			System.out.println("No report: could not write " + REPORT + ": " + ex);
		}
	}

	private static RunItem item(S3Client s3, Upload upload, Map<String, AttributeValue> item) {
		RunItem.Failure failure = null;
		if (item.containsKey(ERROR)) {
			Map<String, AttributeValue> error = item.get(ERROR).m();
			failure = new RunItem.Failure(error.get(ERROR_CODE).s(), error.get(ERROR_MESSAGE).s());
		}
		String description = item.containsKey(FORMAT)
				? "%s %sx%s".formatted(item.get(FORMAT).s(), item.get(WIDTH).n(), item.get(HEIGHT).n()) : "";
		Long processingMillis = item.containsKey(PROCESSING_MILLIS) ? Long.parseLong(item.get(PROCESSING_MILLIS).n())
				: null;
		return new RunItem(upload.key(), upload.imageId(), item.get(STATUS).s(), upload.bytes(), description,
				upload.uploadedAt(), Instant.parse(item.get(UPDATED_AT).s()), processingMillis, failure,
				thumbnails(s3, item));
	}

	/** The variants of the item, read back from the output bucket. */
	private static List<RunItem.Thumbnail> thumbnails(S3Client s3, Map<String, AttributeValue> item) {
		if (!item.containsKey(VARIANTS) || item.containsKey(ERROR)) {
			return List.of();
		}
		return item.get(VARIANTS).l().stream().map(AttributeValue::m).map((variant) -> {
			byte[] bytes = s3
				.getObjectAsBytes(
						(request) -> request.bucket(variant.get(VARIANT_BUCKET).s()).key(variant.get(VARIANT_KEY).s()))
				.asByteArray();
			return new RunItem.Thumbnail(variant.get(VARIANT_NAME).s(),
					Integer.parseInt(variant.get(VARIANT_WIDTH).n()), Integer.parseInt(variant.get(VARIANT_HEIGHT).n()),
					bytes);
		}).toList();
	}

	private static boolean isFinal(Map<String, AttributeValue> item) {
		String status = item.get(STATUS).s();
		return "COMPLETED".equals(status) || "FAILED".equals(status);
	}

	private static String line(Map<String, AttributeValue> item) {
		String head = String.format("  %-36s %-9s", item.get(SOURCE_KEY).s(), item.get(STATUS).s());
		if (item.containsKey(ERROR)) {
			Map<String, AttributeValue> error = item.get(ERROR).m();
			return head + " " + error.get(ERROR_CODE).s() + ": " + error.get(ERROR_MESSAGE).s();
		}
		String variants = item.get(VARIANTS)
			.l()
			.stream()
			.map(AttributeValue::m)
			.map((v) -> String.format("%s %sx%s %.1f KiB", v.get(VARIANT_NAME).s(), v.get(VARIANT_WIDTH).n(),
					v.get(VARIANT_HEIGHT).n(), Long.parseLong(v.get(VARIANT_BYTES).n()) / 1024.0))
			.collect(Collectors.joining(", "));
		return String.format("%s %s %sx%s -> %s in %s ms", head, item.get(FORMAT).s(), item.get(WIDTH).n(),
				item.get(HEIGHT).n(), variants, item.get(PROCESSING_MILLIS).n());
	}

	/**
	 * A sample as uploaded.
	 *
	 * @param key its key
	 * @param imageId the imageId the worker derives from the key
	 * @param bytes the bytes uploaded
	 * @param uploadedAt when the upload returned
	 */
	private record Upload(String key, String imageId, byte[] bytes, Instant uploadedAt) {

	}

}
