package dev.imageworker.drills;

import java.time.Duration;
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
		int uploads = Integer.getInteger("drill.burst", 1000);
		Drill.Upload large = new Drill.Upload(SampleImages.jpeg(5472, 3648), "COMPLETED");
		try (Drill drill = new Drill("burst")) {
			WorkerProcess worker = drill.startWorker(drill.endpoint(), "image-worker.processing.concurrency", "8",
					"image-worker.engine", ENGINE);
			long start = System.nanoTime();
			Map<String, String> expected = drill.upload(uploads,
					(n) -> (n % 20 == 7) ? large : (n % 20 == 3) ? Drill.Upload.MEDIUM : Drill.Upload.mixed(n));
			Drill.Tally tally = drill.await(expected, Duration.ofMinutes(20));
			double seconds = (System.nanoTime() - start) / 1e9;
			boolean alive = worker.isAlive();
			long peakKib = worker.peakRssKib();
			worker.terminate(Duration.ofSeconds(60));
			drill.report(tally,
					String.format("%d x 20 MP, 8 in flight, %s engine, %s: peak RSS %d MiB (limit 512), %.1f images/s",
							uploads / 20, ENGINE, String.join(" ", WorkerProcess.JVM_OPTIONS), peakKib / 1024,
							uploads / seconds));
			assertThat(alive).as("no OutOfMemoryError exit").isTrue();
			assertThat(peakKib).as("peak RSS in KiB").isLessThan(CONTAINER_LIMIT_KIB);
			assertThat(tally.missing()).isZero();
			assertThat(tally.wrong()).isZero();
		}
	}

}
