package dev.imageworker.catalog;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.imageworker.core.ImageJob;
import dev.imageworker.core.SourceImage;
import dev.imageworker.core.SourceObject;
import dev.imageworker.core.StoredVariant;
import dev.imageworker.imaging.Placeholder;
import dev.imageworker.failure.FailureCode;
import dev.imageworker.failure.PermanentFailure;
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

import static dev.imageworker.catalog.ItemAttributes.ANNOUNCED_AT;
import static dev.imageworker.catalog.ItemAttributes.ATTEMPTS;
import static dev.imageworker.catalog.ItemAttributes.CREATED_AT;
import static dev.imageworker.catalog.ItemAttributes.ERROR;
import static dev.imageworker.catalog.ItemAttributes.ERROR_CODE;
import static dev.imageworker.catalog.ItemAttributes.IMAGE_ID;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_BYTES;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_ETAG;
import static dev.imageworker.catalog.ItemAttributes.SOURCE_LAST_MODIFIED;
import static dev.imageworker.catalog.ItemAttributes.STATUS;
import static dev.imageworker.catalog.ItemAttributes.UPDATED_AT;
import static dev.imageworker.catalog.ItemAttributes.USER_ID;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS;
import static dev.imageworker.catalog.ItemAttributes.VARIANTS_SPEC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Every transition of the catalogue against a real DynamoDB API: the first claim, claims
 * of redeliveries, of completed and of new source versions, and the writes that must not
 * overwrite a completion.
 */
class ImageCatalogIT {

	private static final String TABLE = "catalog-it";

	private static final Instant WRITTEN = Instant.parse("2026-11-20T10:00:00Z");

	private static final SourceObject VERSION_1 = new SourceObject("etag-1", 1000, WRITTEN, Map.of());

	private static final SourceObject VERSION_2 = new SourceObject("etag-2", 2000, WRITTEN.plusSeconds(5), Map.of());

	/** Written within the same second as version 1. */
	private static final SourceObject SAME_SECOND = new SourceObject("etag-3", 3000, WRITTEN.plusMillis(400), Map.of());

	private static final BooleanSupplier NEVER_ASKED = () -> {
		throw new AssertionError("S3 asked which version is current");
	};

	private static final AtomicInteger ids = new AtomicInteger();

	private static DynamoDbClient dynamo;

	private static ImageCatalog catalog;

	@BeforeAll
	static void createTable() {
		dynamo = LocalAws.shared().dynamo();
		dynamo.createTable((request) -> request.tableName(TABLE)
			.billingMode(BillingMode.PAY_PER_REQUEST)
			.attributeDefinitions(
					(definition) -> definition.attributeName(IMAGE_ID).attributeType(ScalarAttributeType.S))
			.keySchema((key) -> key.attributeName(IMAGE_ID).keyType(KeyType.HASH)));
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

		Claim claim = catalog.claim(job, VERSION_1, NEVER_ASKED);

		Map<String, AttributeValue> item = item(job);
		assertThat(claim).isEqualTo(new Claim.Claimed(item.get(CREATED_AT).s(), 1, false, "ada"));
		assertThat(item.get(STATUS).s()).isEqualTo("PROCESSING");
		assertThat(item.get(ATTEMPTS).n()).isEqualTo("1");
		assertThat(item.get(SOURCE_ETAG).s()).isEqualTo("etag-1");
		assertThat(item.get(SOURCE_BYTES).n()).isEqualTo("1000");
		assertThat(item.get(USER_ID).s()).isEqualTo("ada");
		assertThat(item.get(UPDATED_AT).s()).isEqualTo(item.get(CREATED_AT).s());
	}

	@Test
	void redeliveryOfAnUnfinishedImageClaimsItAgainKeepingCreatedAt() {
		ImageJob job = job();
		Claim.Claimed first = (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED);

		Claim second = catalog.claim(job, VERSION_1, NEVER_ASKED);

		assertThat(second).isEqualTo(new Claim.Claimed(first.createdAt(), 2, false, "ada"));
		assertThat(item(job).get(UPDATED_AT).s()).isGreaterThan(first.createdAt());
	}

	@Test
	void completedSourceIsRefusedUntilAnnouncedThenForGood() {
		ImageJob job = job();
		Claim.Claimed claimed = (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED);
		assertThat(complete(job, VERSION_1, claimed)).isEqualTo(new Completion.Recorded(List.of()));
		Map<String, AttributeValue> completed = item(job);

		assertThat(catalog.claim(job, VERSION_1, NEVER_ASKED))
			.isEqualTo(new Claim.Unannounced(List.of(variant(job, VERSION_1)), "ada", PLACEHOLDER));
		catalog.markAnnounced(job, VERSION_1);
		assertThat(catalog.claim(job, VERSION_1, NEVER_ASKED)).isEqualTo(new Claim.Announced());

		Map<String, AttributeValue> item = item(job);
		assertThat(item.get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item.get(ATTEMPTS)).isEqualTo(completed.get(ATTEMPTS));
		assertThat(item.get(UPDATED_AT)).isEqualTo(completed.get(UPDATED_AT));
		assertThat(item).containsKey(ANNOUNCED_AT);
	}

	@Test
	void newSourceVersionReclaimsACompletedImageAndTheOldOneCannotComplete() {
		ImageJob job = job();
		Claim.Claimed first = (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED);
		complete(job, VERSION_1, first);

		Claim second = catalog.claim(job, VERSION_2, NEVER_ASKED);

		assertThat(second).isEqualTo(new Claim.Claimed(first.createdAt(), 2, false, "ada"));
		assertThat(item(job).get(STATUS).s()).isEqualTo("PROCESSING");
		assertThat(item(job).get(SOURCE_ETAG).s()).isEqualTo("etag-2");
		assertThat(complete(job, VERSION_1, first)).isEqualTo(new Completion.Superseded());
		assertThat(complete(job, VERSION_2, (Claim.Claimed) second))
			.as("the first version's variants no longer belong to the item")
			.isEqualTo(new Completion.Recorded(List.of(variant(job, VERSION_1))));
		assertThat(item(job).get(SOURCE_BYTES).n()).isEqualTo("2000");
		assertThat(item(job).get(SOURCE_LAST_MODIFIED).s()).isEqualTo("2026-11-20T10:00:05Z");
	}

	@Test
	void aCompletedVersionIsRenderedAgainWhenTheVariantsChangedOrOnRequestKeepingItsKeys() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED));
		catalog.markAnnounced(job, VERSION_1);
		ImageCatalog otherVariants = new ImageCatalog(dynamo,
				TestProperties.bind(Map.of("table", TABLE, "variants.thumb", "200")), new SecondsClock());
		assertThat(item(job).get(VARIANTS_SPEC).s()).isEqualTo("jpeg q85: medium 1024, thumb 256");

		Claim changed = otherVariants.claim(job, VERSION_1, NEVER_ASKED);

		assertThat(changed).isInstanceOfSatisfying(Claim.Claimed.class, (claim) -> {
			assertThat(claim.reprocessing()).isTrue();
			assertThat(claim.attempts()).isEqualTo(2);
		});
		assertThat(item(job).get(VARIANTS_SPEC).s()).isEqualTo("jpeg q85: thumb 200");
		assertThat(otherVariants.complete(job, VERSION_1, (Claim.Claimed) changed, sourceImage(),
				List.of(variant(job, VERSION_1)), PLACEHOLDER, 7))
			.as("the same keys: nothing to delete")
			.isEqualTo(new Completion.Recorded(List.of()));
		assertThat(otherVariants.claim(job, VERSION_1, NEVER_ASKED)).isInstanceOf(Claim.Unannounced.class);

		ImageJob reprocess = new ImageJob(job.bucket(), job.key(), job.imageId(), job.userId(), null,
				ImageJob.Upload.NONE, true);
		assertThat(otherVariants.claim(reprocess, VERSION_1, NEVER_ASKED)).isInstanceOfSatisfying(Claim.Claimed.class,
				(claim) -> assertThat(claim.reprocessing()).isTrue());
	}

	@Test
	void anItemThatRecordsNoVariantsCountsAsCurrent() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED));
		dynamo.updateItem((request) -> request.tableName(TABLE)
			.key(Map.of(IMAGE_ID, AttributeValue.fromS(job.imageId())))
			.updateExpression("REMOVE variantsSpec"));

		assertThat(catalog.claim(job, VERSION_1, NEVER_ASKED)).isInstanceOf(Claim.Unannounced.class);
	}

	@Test
	void anOlderVersionNeverReclaimsAnImageANewerOneHolds() {
		ImageJob job = job();
		Claim.Claimed newer = (Claim.Claimed) catalog.claim(job, VERSION_2, NEVER_ASKED);

		assertThat(catalog.claim(job, VERSION_1, NEVER_ASKED)).isEqualTo(new Claim.Superseded());
		assertThat(complete(job, VERSION_2, newer)).isInstanceOf(Completion.Recorded.class);
		assertThat(catalog.claim(job, VERSION_1, NEVER_ASKED)).isEqualTo(new Claim.Superseded());
		assertThat(item(job).get(SOURCE_ETAG).s()).isEqualTo("etag-2");
		assertThat(item(job).get(STATUS).s()).isEqualTo("COMPLETED");
	}

	@Test
	void aVersionOfTheSameSecondReclaimsOnlyWhenS3SaysItIsCurrent() {
		ImageJob job = job();
		catalog.claim(job, VERSION_1, NEVER_ASKED);

		assertThat(catalog.claim(job, SAME_SECOND, () -> false)).isEqualTo(new Claim.Superseded());
		assertThat(item(job).get(SOURCE_ETAG).s()).isEqualTo("etag-1");
		assertThat(catalog.claim(job, SAME_SECOND, () -> true)).isInstanceOf(Claim.Claimed.class);
		assertThat(item(job).get(SOURCE_ETAG).s()).isEqualTo("etag-3");
	}

	@Test
	void anImageIdHeldByAnotherObjectIsAConflictThatChangesNothing() {
		ImageJob owner = job();
		Claim.Claimed claimed = (Claim.Claimed) catalog.claim(owner, VERSION_1, NEVER_ASKED);
		complete(owner, VERSION_1, claimed);
		Map<String, AttributeValue> before = item(owner);
		ImageJob intruder = new ImageJob("uploads", "uploads/mallory/photo.jpg", owner.imageId(), "mallory", null,
				ImageJob.Upload.NONE, false);

		PermanentFailure conflict = catchThrowableOfType(PermanentFailure.class,
				() -> catalog.claim(intruder, VERSION_2, NEVER_ASKED));
		assertThat(conflict.code()).isEqualTo(FailureCode.IMAGE_ID_CONFLICT);
		assertThat(conflict.getMessage()).contains("uploads/ada/photo.jpg");
		assertThat(catalog.fail(intruder, null, false, FailureCode.SOURCE_NOT_FOUND, "gone"))
			.isInstanceOf(FailureRecord.Conflict.class);
		assertThat(catalog.fail(intruder, VERSION_2, true, FailureCode.CORRUPT_IMAGE, "broken"))
			.isInstanceOf(FailureRecord.Conflict.class);
		assertThat(item(owner)).isEqualTo(before);
	}

	@Test
	void aNewVersionThatCannotBeReadFailsOverTheOlderCompletionWithItsEventsETag() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED));
		ImageJob newVersion = new ImageJob(job.bucket(), job.key(), job.imageId(), job.userId(), "etag-2",
				ImageJob.Upload.NONE, false);

		assertThat(catalog.fail(newVersion, null, false, FailureCode.RETRIES_EXHAUSTED, "503 on every receive"))
			.isEqualTo(new FailureRecord.Recorded("ada"));

		Map<String, AttributeValue> item = item(job);
		assertThat(item.get(STATUS).s()).isEqualTo("FAILED");
		assertThat(item.get(SOURCE_ETAG).s()).isEqualTo("etag-2");
		assertThat(item).doesNotContainKeys(SOURCE_BYTES, SOURCE_LAST_MODIFIED);
		assertThat(item.get(ERROR).m().get(ERROR_CODE).s()).isEqualTo("RETRIES_EXHAUSTED");
		assertThat(item.get(VARIANTS).l()).as("the last good variants stay until a newer version completes").hasSize(1);
	}

	@Test
	void aFailureOfTheCompletedVersionOrOfAnOlderOneIsOutdated() {
		ImageJob job = job();
		complete(job, VERSION_2, (Claim.Claimed) catalog.claim(job, VERSION_2, NEVER_ASKED));
		ImageJob duplicate = new ImageJob(job.bucket(), job.key(), job.imageId(), job.userId(), "etag-2",
				ImageJob.Upload.NONE, false);

		assertThat(catalog.fail(duplicate, null, false, FailureCode.SOURCE_NOT_FOUND, "gone"))
			.isInstanceOf(FailureRecord.Outdated.class);
		assertThat(catalog.fail(job, VERSION_1, false, FailureCode.RETRIES_EXHAUSTED, "503"))
			.isInstanceOf(FailureRecord.Outdated.class);
		assertThat(item(job).get(STATUS).s()).isEqualTo("COMPLETED");
	}

	@Test
	void aFailureAfterTheClaimIsKeptOnlyWhileTheClaimHolds() {
		ImageJob job = job();
		catalog.claim(job, VERSION_1, NEVER_ASKED);
		catalog.claim(job, SAME_SECOND, () -> true);

		assertThat(catalog.fail(job, VERSION_1, true, FailureCode.CORRUPT_IMAGE, "truncated"))
			.isInstanceOf(FailureRecord.Outdated.class);
		assertThat(item(job).get(STATUS).s()).isEqualTo("PROCESSING");
		assertThat(catalog.fail(job, SAME_SECOND, true, FailureCode.CORRUPT_IMAGE, "truncated"))
			.isEqualTo(new FailureRecord.Recorded("ada"));
		assertThat(item(job).get(STATUS).s()).isEqualTo("FAILED");
	}

	@Test
	void failedImageIsClaimedAgainWithoutItsError() {
		ImageJob job = job();
		assertThat(catalog.fail(job, null, false, FailureCode.CORRUPT_IMAGE, "truncated"))
			.isEqualTo(new FailureRecord.Recorded("ada"));

		Claim claim = catalog.claim(job, VERSION_1, NEVER_ASKED);

		Map<String, AttributeValue> item = item(job);
		assertThat(claim).isEqualTo(new Claim.Claimed(item.get(CREATED_AT).s(), 1, false, "ada"));
		assertThat(item.get(STATUS).s()).isEqualTo("PROCESSING");
		assertThat(item).doesNotContainKey(ERROR);
	}

	/**
	 * Whoever a later job names as the owner, a reprocessing request included, the item
	 * keeps the owner of its first claim, and the claim tells it, so that the job renders
	 * and announces for that owner.
	 */
	@Test
	void noLaterJobChangesTheItemsOwner() {
		ImageJob ada = job();
		complete(ada, VERSION_1, (Claim.Claimed) catalog.claim(ada, VERSION_1, NEVER_ASKED));
		ImageJob mallory = new ImageJob(ada.bucket(), ada.key(), ada.imageId(), "mallory", null, ImageJob.Upload.NONE,
				true);

		Claim.Claimed reprocessing = (Claim.Claimed) catalog.claim(mallory, VERSION_1, NEVER_ASKED);
		assertThat(reprocessing.userId()).isEqualTo("ada");
		assertThat(item(ada).get("userId").s()).isEqualTo("ada");
		complete(mallory, VERSION_1, reprocessing);
		assertThat(item(ada).get("userId").s()).isEqualTo("ada");
		assertThat(catalog.fail(mallory.withUserId("mallory"), VERSION_2, false, FailureCode.CORRUPT_IMAGE, "broken"))
			.isEqualTo(new FailureRecord.Recorded("ada"));
		assertThat(item(ada).get("userId").s()).isEqualTo("ada");
		assertThat(((Claim.Claimed) catalog.claim(ada.withUserId(null), VERSION_2, NEVER_ASKED)).userId())
			.as("a job that names no owner")
			.isEqualTo("ada");
	}

	@Test
	void tellsWhetherAnItemUnderAnIdDescribesAnObjectWithoutChangingIt() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED));
		Map<String, AttributeValue> before = item(job);

		assertThat(catalog.describes(job.imageId(), job.bucket(), job.key())).isTrue();
		assertThat(catalog.describes(job.imageId(), job.bucket(), "uploads/mallory/photo.jpg")).isFalse();
		assertThat(catalog.describes("catalog-never-written", job.bucket(), job.key())).isFalse();
		assertThat(item(job)).isEqualTo(before);
		assertThat(catalog.find("catalog-never-written")).isEmpty();
	}

	@Test
	void failureDoesNotOverwriteACompletion() {
		ImageJob job = job();
		complete(job, VERSION_1, (Claim.Claimed) catalog.claim(job, VERSION_1, NEVER_ASKED));

		assertThat(catalog.fail(job, VERSION_1, false, FailureCode.PROCESSING_TIMEOUT, "too slow"))
			.isInstanceOf(FailureRecord.Outdated.class);

		assertThat(item(job).get(STATUS).s()).isEqualTo("COMPLETED");
		assertThat(item(job)).doesNotContainKey(ERROR);
	}

	private static final Placeholder PLACEHOLDER = new Placeholder("1QcSHQRnh493V4dIh4eXh1h4kJUI", "#4a6d8c");

	private static ImageJob job() {
		return new ImageJob("uploads", "uploads/ada/photo.jpg", "catalog-" + ids.incrementAndGet(), "ada", null,
				ImageJob.Upload.NONE, false);
	}

	private static StoredVariant variant(ImageJob job, SourceObject source) {
		return new StoredVariant("thumb", "thumbnails", job.imageId() + "/" + source.eTag() + "/thumb.jpg", 256, 171,
				9000, "image/jpeg", "jpeg", null, null);
	}

	private static Completion complete(ImageJob job, SourceObject source, Claim.Claimed claim) {
		return catalog.complete(job, source, claim, sourceImage(), List.of(variant(job, source)), PLACEHOLDER, 42);
	}

	private static SourceImage sourceImage() {
		return new SourceImage("JPEG", 3000, 2000);
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
