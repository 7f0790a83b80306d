package dev.imageworker.config;

import java.util.List;
import java.util.Map;

import jakarta.validation.Validation;
import dev.imageworker.scaling.ScalingProperties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.IgnoreTopLevelConverterNotFoundBindHandler;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every setting the worker refuses, refused at start with the property it names: bean
 * validation on every record, and the rules between two settings in the records
 * themselves. Optional settings are {@code @Nullable}; every other one has a default.
 */
class ImageWorkerPropertiesTests {

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', value = { "queue| ", "dead-letter-queue| ", "source-buckets| ", "output-bucket| ",
			"table| ", "topic| ", "jpeg-quality|0", "jpeg-quality|101", "cache-control| ", "background|white",
			"id-pattern| ", "max-records|0", "max-records|1001", "owner-segment|-1", "limits.max-bytes|0",
			"limits.max-pixels|0", "limits.max-frames|0", "processing.concurrency|-1", "processing.prefetch|-1",
			"processing.job-timeout|0s", "processing.max-receive-count|0", "processing.retry-backoff|0s",
			"processing.max-retry-backoff|1s", "processing.visibility-timeout|0s", "processing.visibility-timeout|13h",
			"processing.memory-share|0.95", "processing.memory-budget|0", "processing.memory-reserve|-1MB",
			"processing.drain-timeout|-1s", "processing.bulk-quiet-period|-1s", "operator.username| ",
			"breaker.window|0", "breaker.minimum-calls|0", "breaker.failure-rate-threshold|101",
			"breaker.first-probe|0s", "breaker.max-probe-interval|1s", "breaker.release-visibility|-1s",
			"formats.jpeg.quality|0", "formats.webp.quality|101", "formats.webp.effort|-1", "formats.avif.effort|7" })
	void refusesWithTheSettingItNames(String name, String value) {
		Map<String, String> values = Map.of("image-worker." + name, (value != null) ? value : "");
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(values))
			.satisfies(
					(ex) -> assertThat(messages(ex)).containsIgnoringCase(name.substring(name.lastIndexOf('.') + 1)));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', value = { "backlog-interval|0s", "backlog-metric.threshold|-1",
			"task-protection.expires-in|30s", "task-protection.expires-in|49h", "task-protection.idle-grace|-1s" })
	void refusesScalingSettingsWithTheSettingItNames(String name, String value) {
		Map<String, String> values = Map.of("image-worker.scaling." + name, value);
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(values, "image-worker.scaling", ScalingProperties.class))
			.satisfies((ex) -> assertThat(messages(ex)).contains("image-worker.scaling." + name));
	}

	/** The failure and all its causes, as the start-up report shows them. */
	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	static ImageWorkerProperties bind(Map<String, String> values) {
		return bind(values, "image-worker", ImageWorkerProperties.class);
	}

	/** Binds as the application does: its converters, then bean validation. */
	static <T> T bind(Map<String, String> values, String prefix, Class<T> type) {
		ApplicationConversionService conversions = new ApplicationConversionService();
		VariantSpecConverters.register(conversions);
		Binder binder = new Binder(List.of(new MapConfigurationPropertySource(values)), null, conversions);
		SpringValidatorAdapter validator = new SpringValidatorAdapter(
				Validation.buildDefaultValidatorFactory().getValidator());
		return binder.bindOrCreate(prefix, Bindable.of(type),
				new ValidationBindHandler(new IgnoreTopLevelConverterNotFoundBindHandler(), validator));
	}

}
