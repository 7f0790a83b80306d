package dev.imageworker.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.imageworker.failure.FailureCode;
import dev.imageworker.imaging.ImageFormat;
import dev.imageworker.imaging.Rendering;
import dev.imageworker.ingest.ImageJob;
import dev.imageworker.storage.SourceObject;
import dev.imageworker.storage.StoredVariant;
import dev.imageworker.support.LocalAws;
import dev.imageworker.support.TestProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every transition of the catalogue against a real DynamoDB API: the first claim, claims
 * of redeliveries, of completed and of new source versions, and the writes that must not
 * overwrite a completion.
 */
class ImageCatalogIT {

	private static final String TABLE = "catalog-it";

	private static final SourceObject VERSION_1 = new SourceObject("etag-1", 1000);

	private static final SourceObject VERSION_2 = new SourceObject("etag-2", 2000);

	private static final AtomicInteger ids = new AtomicInteger();

	private static DynamoDbClient dynamo;

	private static ImageCatalog catalog;

	@BeforeAll
	static void createTable() {
		dynamo = LocalAws.shared().dynamo();
		dynamo.createTable((request) -> request.tableName(TABLE)
			.billingMode(BillingMode.PAY_PER_REQUEST)
			.attributeDefinitions(
					(definition) -> definition.attributeName("imageId").attributeType(ScalarAttributeType.S))
			.keySchema((key) -> key.attributeName("imageId").keyType(KeyType.HASH)));
		catalog = new ImageCatalog(dynamo, TestProperties.bind(Map.of("table", TABLE)), new SecondsClock());
	}

	@AfterAll
	static void dropTable() {
		dynamo.deleteTable((request) -> request.tableName(TABLE));
		dynamo.close();
	}

	@Test
	void firstClaimWritesAProcessingItem() {
		ImageJob job = job();

		Claim claim = catalog.claim(job, VERSION_1);

		Map<String, AttributeValue> item = item(job);
		assertThat(claim).isEqualTo(new Claim.Claimed(item.get("createdAt").s(), 1));
		assertThat(item.get("status").s()).isEqualTo("PROCESSING");
		assertThat(item.get("attempts").n()).isEqualTo("1");
		assertThat(item.get("sourceETag").s()).isEqualTo("etag-1");
		assertThat(item.get("sourceBytes").n()).isEqualTo("1000");
		assertThat(item.get("userId").s()).isEqualTo("ada");
		assertThat(item.get("updatedAt").s()).isEqualTo(item.get("createdAt").s());
	}

	@Test
	void redeliveryOfAnUnfinishedImageClaimsItAgainKeepingCreatedAt() {
		ImageJob job = job();
		Claim.Claimed first = (Claim.Claimed) catalog.claim(job, VERSION_1);

		Claim second = catalog.claim(job, VERSION_1);

		assertThat(second).isEqualTo(new Claim.Claimed(first.createdAt(), 2));
		assertThat(item(job).get("updatedAt").s()).isGreaterThan(first.createdAt());
	}

	@Test
	void completedSourceIsRefusedUntilAnnouncedThenForGood() {
		ImageJob job = job();
		Claim.Claimed claimed = (Claim.Claimed) catalog.claim(job, VERSION_1);
		assertThat(complete(job, VERSION_1, claimed)).isTrue();
		Map<String, AttributeValue> completed = item(job);

		assertThat(catalog.claim(job, VERSION_1)).isEqualTo(new Claim.Unannounced(List.of(variant(job))));
		catalog.markAnnounced(job, VERSION_1);
		assertThat(catalog.claim(job, VERSION_1)).isEqualTo(new Claim.Announced());

		Map<String, AttributeValue> item = item(job);
		assertThat(item.get("status").s()).isEqualTo("COMPLETED");
		assertThat(item.get("attempts")).isEqualTo(completed.get("attempts"));
		assertThat(item.get("updatedAt")).isEqualTo(completed.get("updatedAt"));
		assertThat(item).containsKey("announcedAt");
	}

	@Test
	void newSourceVersionReclaimsACompletedImageAndTheOldOneCannotComplete() {
		ImageJob job = job();
		Claim.Claimed first = (Claim.Claimed) catalog.claim(job, VERSION_1);
		complete(job, VERSION_1, first);

		Claim second = catalog.claim(job, VERSION_2);

		assertThat(second).isEqualTo(new Claim.Claimed(first.createdAt(), 2));
		assertThat(item(job).get("status").s()).isEqualTo("PROCESSING");
		assertThat(item(job).get("sourceETag").s()).isEqualTo("etag-2");
		assertThat(complete(job, VERSION_1, first)).isFalse();
		assertThat(complete(job, VERSION_2, (Claim.Claimed) second)).isTrue();
		assertThat(item(job).get("sourceBytes").n()).isEqualTo("2000");
	}

	@Test
	void failedImageIsClaimedAgainWithoutItsError() {
		ImageJob job = job();
		assertThat(catalog.fail(job, FailureCode.CORRUPT_IMAGE, "truncated")).isTrue();

		Claim claim = catalog.claim(job, VERSION_1);

		Map<String, AttributeValue> item = item(job);
		assertThat(claim).isEqualTo(new Claim.Claimed(item.get("createdAt").s(), 1));
		assertThat(item.get("status").s()).isEqualTo("PROCESSING");
		assertThat(item).doesNotContainKey("error");
	}

	@Test
	void failureDoesNotOverwriteACompletion() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1));

		assertThat(catalog.fail(job, FailureCode.PROCESSING_TIMEOUT, "too slow")).isFalse();

		assertThat(item(job).get("status").s()).isEqualTo("COMPLETED");
		assertThat(item(job)).doesNotContainKey("error");
	}

	private static ImageJob job() {
		return new ImageJob("uploads", "uploads/ada/photo.jpg", "catalog-" + ids.incrementAndGet(), "ada");
	}

	private static StoredVariant variant(ImageJob job) {
		return new StoredVariant("thumb", "thumbnails", job.imageId() + "/thumb.jpg", 256, 171, 9000, "image/jpeg");
	}

	private static boolean complete(ImageJob job, SourceObject source, Claim.Claimed claim) {
		Rendering rendering = new Rendering(ImageFormat.JPEG, 3000, 2000,
				List.of(new Rendering.RenderedVariant("thumb", 256, 171, new byte[9000])));
		return catalog.complete(job, source, claim, rendering, List.of(variant(job)), 42);
	}

	private static Map<String, AttributeValue> item(ImageJob job) {
		return catalog.find(job.imageId()).orElseThrow();
	}

	/** A clock a second further on at every reading, so each write's instant differs. */
	private static final class SecondsClock extends Clock {

		private final AtomicInteger readings = new AtomicInteger();

		@Override
		public Instant instant() {
			return Instant.parse("2026-01-01T00:00:00Z").plusSeconds(this.readings.incrementAndGet());
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
