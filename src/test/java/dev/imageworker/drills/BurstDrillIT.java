package dev.imageworker.drills;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.imageworker.support.DrillTest;
import dev.imageworker.support.SampleImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of 1,000 small and large uploads (one in twenty a 20 MP photo) into a worker
 * sized like a 512 MiB container, allowed eight messages in flight so that only the
 * memory budget stands between the large ones and an OutOfMemoryError. Peak RSS stays
 * under the container limit. Long: run by drills/run-drills.sh only.
 */
@EnabledIfSystemProperty(named = "drill.scale", matches = "full")
@DrillTest
class BurstDrillIT {

	private static final long CONTAINER_LIMIT_KIB = 512 * 1024;

	/**
	 * {@code auto} takes libvips where it is installed; {@code -Ddrill.engine=java} loads
	 * the heap instead, as a worker without libvips would.
	 */
	private static final String ENGINE = System.getProperty("drill.engine", "auto");

	@Test
	void burstStaysWithinTheContainer() throws InterruptedException {
		burst("burst", Integer.getInteger("drill.burst", 1000));
	}

	/**
	 * The same with the example variant set: eleven outputs an image, AVIF and WebP among
	 * them, and an attention crop; fewer uploads, as each costs several times more.
	 */
	@Test
	void burstOfTheExampleSetStaysWithinTheContainer() throws InterruptedException {
		burst("burst-example", Integer.getInteger("drill.burst.example", 300), "image-worker.variants.thumb", "256",
				"image-worker.variants.avatar.width", "128", "image-worker.variants.avatar.height", "128",
				"image-worker.variants.avatar.fit", "cover", "image-worker.variants.avatar.crop", "attention",
				"image-worker.variants.avatar.formats", "webp", "image-worker.variants.hero.widths", "320,640,1280",
				"image-worker.variants.hero.formats", "avif,webp,jpeg");
	}

	private void burst(String name, int uploads, String... settings) throws InterruptedException {
		Drill.Upload large = new Drill.Upload(SampleImages.jpeg(5472, 3648), "COMPLETED");
		try (Drill drill = new Drill(name)) {
			List<String> arguments = new ArrayList<>(
					List.of("image-worker.processing.concurrency", "8", "image-worker.engine", ENGINE));
			arguments.addAll(List.of(settings));
			WorkerProcess worker = drill.startWorker(drill.endpoint(), arguments.toArray(String[]::new));
			long start = System.nanoTime();
			Map<String, String> expected = drill.upload(uploads,
					(n) -> (n % 20 == 7) ? large : (n % 20 == 3) ? Drill.Upload.MEDIUM : Drill.Upload.mixed(n));
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(20));
			double seconds = (System.nanoTime() - start) / 1e9;
			boolean alive = worker.isAlive();
			long peakKib = worker.peakRssKib();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format(
							"%d x 20 MP, 8 in flight, %s engine, %s%s: peak RSS %d MiB (limit 512), %.1f images/s",
							uploads / 20, ENGINE, String.join(" ", WorkerProcess.JVM_OPTIONS),
							(settings.length > 0) ? ", the example set" : "", peakKib / 1024, uploads / seconds));
			assertThat(alive).as("no OutOfMemoryError exit").isTrue();
			assertThat(peakKib).as("peak RSS in KiB").isLessThan(CONTAINER_LIMIT_KIB);
			assertThat(tally.missing()).isZero();
			assertThat(tally.wrong()).isZero();
		}
	}

}
