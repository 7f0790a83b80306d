package dev.imageworker.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RenditionSsimTests {

	@Test
	void theReportHasBothSsimsAndBytesPerOutputAndCountsWhereTheWorkerIsLower() {
		Map<String, RenditionSsim.Totals> totals = new LinkedHashMap<>();
		totals.put("hero-640w.avif", totals(List.of(0.98, 0.96), List.of(0.97, 0.97), 2048 * 2, 1024 * 2));
		totals.put("avatar.webp", totals(List.of(), List.of(), 1024, 1024));

		List<String> report = RenditionSsim.report(totals, 2);

		assertThat(report.get(2)).isEqualTo("| hero-640w.avif | 0.97000 | 0.97000 | 1 of 2 | 2.0 | 1.0 | 2.00x |");
		assertThat(report.get(3)).isEqualTo("| avatar.webp | no reference | no reference |  | 0.5 | 0.5 | 1.00x |");
		assertThat(report.get(4))
			.isEqualTo("| every output, per image | 0.97000 | 0.97000 | 1 of 2 | 2.5 | 1.5 | 1.67x |");
		assertThat(report.getLast()).isEqualTo("ssim-vs-sharp: 0.97000 0.97000 1");
	}

	private static RenditionSsim.Totals totals(List<Double> worker, List<Double> sharp, long workerBytes,
			long sharpBytes) {
		RenditionSsim.Totals totals = new RenditionSsim.Totals();
		totals.workerSsim.addAll(worker);
		totals.sharpSsim.addAll(sharp);
		totals.workerBytes = workerBytes;
		totals.sharpBytes = sharpBytes;
		return totals;
	}

}
