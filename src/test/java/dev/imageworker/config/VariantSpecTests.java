package dev.imageworker.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code image-worker.variants}: both forms bind from YAML (an Integer short form, lists
 * by index), arguments and the environment (text, lists split at commas); what no render
 * can mean stops the worker naming the variant; and the fingerprint covers every field
 * while the default set's stays what it was.
 */
class VariantSpecTests {

	@Test
	void theDefaultsApplyWhenNoVariantIsConfiguredAndKeepTheirFingerprint() {
		ImageWorkerProperties properties = bind(Map.of());
		assertThat(properties.variants()).containsOnlyKeys("thumb", "medium");
		assertThat(properties.variantsSpec()).isEqualTo("jpeg q85: medium 1024, thumb 256");
	}

	@Test
	void theShortFormBindsFromYamlsIntegerAndFromText() {
		ImageWorkerProperties yaml = bind(Map.of("image-worker.variants.thumb", 256));
		ImageWorkerProperties text = bind(Map.of("image-worker.variants.thumb", "256"));
		assertThat(yaml.variants()).isEqualTo(Map.of("thumb", VariantSpec.ofSize(256)));
		assertThat(text.variants()).isEqualTo(yaml.variants());
		assertThat(yaml.variantsSpec()).isEqualTo("jpeg q85: thumb 256");
	}

	@Test
	void aSpecBindsFromYamlsIndexedLists() {
		ImageWorkerProperties properties = bind(Map.of("image-worker.variants.thumb", 256,
				"image-worker.variants.hero.widths[0]", 320, "image-worker.variants.hero.widths[1]", 640,
				"image-worker.variants.hero.formats[0]", "avif", "image-worker.variants.hero.formats[1]", "webp"));
		VariantSpec hero = properties.variants().get("hero");
		assertThat(hero.widths()).containsExactly(320, 640);
		assertThat(hero.formats()).containsExactly(OutputFormat.AVIF, OutputFormat.WEBP);
		assertThat(properties.variants()).containsOnlyKeys("thumb", "hero");
	}

	@Test
	void aSpecBindsFromTheEnvironment() {
		StandardEnvironment environment = environment(Map.of("IMAGE_WORKER_VARIANTS_HERO_WIDTHS", "320,640",
				"IMAGE_WORKER_VARIANTS_HERO_FORMATS", "webp,jpeg", "IMAGE_WORKER_VARIANTS_AVATAR_WIDTH", "128",
				"IMAGE_WORKER_VARIANTS_AVATAR_HEIGHT", "128", "IMAGE_WORKER_VARIANTS_AVATAR_FIT", "cover",
				"IMAGE_WORKER_VARIANTS_AVATAR_CROP", "attention", "IMAGE_WORKER_VARIANTS_THUMB", "200"));
		new VariantEnvironment().postProcessEnvironment(environment, new SpringApplication());
		ImageWorkerProperties properties = bind(ConfigurationPropertySources.get(environment));
		assertThat(properties.variants()).containsOnlyKeys("hero", "avatar", "thumb");
		assertThat(properties.variants().get("hero").widths()).containsExactly(320, 640);
		assertThat(properties.variants().get("avatar").fit()).isEqualTo(VariantSpec.Fit.COVER);
		assertThat(properties.variants().get("avatar").crop()).isEqualTo(VariantSpec.Crop.ATTENTION);
		assertThat(properties.variants().get("thumb")).isEqualTo(VariantSpec.ofSize(200));
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			value = { "cover without a height|a.width=100;a.fit=cover|fit cover needs both width and height",
					"size with a width|a.size=100;a.width=50|give exactly one of",
					"widths with cover|a.widths=100,200;a.width=10;a.height=10;a.fit=cover|give exactly one of",
					"no size|a.formats=webp|give exactly one of",
					"crop without cover|a.size=100;a.crop=attention|crop applies to fit cover only",
					"a width twice|a.widths=320,320|name an output twice",
					"a format twice|a.size=100;a.formats=webp,webp|name an output twice",
					"a size over the pixel limit|a.width=20000;a.height=20000|over limits.max-pixels",
					"a zero side|a.size=0|sizes must be positive", "quality 0|a.size=10;a.quality=0|quality must be",
					"a name with capitals|Hero.size=100|lower-case letters and digits" })
	void aVariantNoRenderCanMeanStopsTheWorkerNamingIt(String name, String properties, String message) {
		Map<String, Object> values = new HashMap<>();
		for (String property : properties.split(";")) {
			String[] pair = property.split("=", 2);
			values.put("image-worker.variants." + pair[0], pair[1]);
		}
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(values))
			.havingRootCause()
			.withMessageContaining("image-worker.variants.")
			.withMessageContaining(message);
	}

	@ParameterizedTest
	@CsvSource({ "formats, gif", "crop, middle", "fit, stretch" })
	void anUnknownFormatCropOrFitStopsTheWorkerNamingTheProperty(String field, String value) {
		Map<String, Object> values = Map.of("image-worker.variants.hero.width", "100",
				"image-worker.variants.hero.height", "100", "image-worker.variants.hero." + field, value);
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(values))
			.withMessageContaining("image-worker.variants.hero." + field);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			value = { "AVIF's effort past its bound|image-worker.formats.avif.effort=7|must be 0 to 6",
					"WebP's effort past its range|image-worker.formats.webp.effort=9|must be 0 to 6",
					"two JPEG qualities|image-worker.jpeg-quality=80;image-worker.formats.jpeg.quality=90|disagree",
					"a public URL that is not one|image-worker.public-base-url=cdn.example.com|absolute http(s) URL" })
	void encoderSettingsNoEncoderTakesStopTheWorker(String name, String properties, String message) {
		Map<String, Object> values = new HashMap<>();
		for (String property : properties.split(";")) {
			String[] pair = property.split("=", 2);
			values.put(pair[0], pair[1]);
		}
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> bind(values))
			.havingRootCause()
			.withMessageContaining(message);
	}

	@Test
	void jpegQualityKeepsSettingTheJpegDefault() {
		assertThat(bind(Map.of("image-worker.jpeg-quality", "70")).variantsSpec())
			.isEqualTo("jpeg q70: medium 1024, thumb 256");
		assertThat(bind(Map.of("image-worker.formats.jpeg.quality", "70")).variantsSpec())
			.isEqualTo("jpeg q70: medium 1024, thumb 256");
	}

	@Test
	void theFingerprintCoversEveryField() {
		Map<String, Object> example = Map.of("image-worker.variants.thumb", 256, "image-worker.variants.avatar.width",
				128, "image-worker.variants.avatar.height", 128, "image-worker.variants.avatar.fit", "cover",
				"image-worker.variants.avatar.crop", "attention", "image-worker.variants.avatar.formats", "webp",
				"image-worker.variants.hero.widths", "320,640,1280", "image-worker.variants.hero.formats",
				"avif,webp,jpeg");
		String fingerprint = bind(example).variantsSpec();
		assertThat(fingerprint).isEqualTo("jpeg q85, webp q80 e4, avif q56 e2: "
				+ "avatar {width=128 height=128 fit=cover crop=attention formats=webp}, "
				+ "hero {widths=320,640,1280 fit=inside formats=avif,webp,jpeg}, thumb 256");
		List<Map<String, Object>> changes = List.of(Map.of("image-worker.variants.avatar.crop", "entropy"),
				Map.of("image-worker.variants.avatar.width", 64), Map.of("image-worker.variants.hero.quality", 60),
				Map.of("image-worker.variants.hero.formats", "avif,jpeg"),
				Map.of("image-worker.variants.hero.widths", "320,640"), Map.of("image-worker.formats.avif.effort", 4),
				Map.of("image-worker.formats.webp.quality", 70), Map.of("image-worker.jpeg-quality", 80),
				Map.of("image-worker.background", "#000000"), Map.of("image-worker.variants.thumb", 200));
		for (Map<String, Object> change : changes) {
			Map<String, Object> changed = new HashMap<>(example);
			changed.putAll(change);
			assertThat(bind(changed).variantsSpec()).as("%s", change).isNotEqualTo(fingerprint);
		}
	}

	@Test
	void anEnvironmentVariableNamingNoKeyOfASpecStopsTheWorker() {
		StandardEnvironment environment = environment(Map.of("IMAGE_WORKER_VARIANTS_HERO_WIDHTS", "320"));
		assertThatIllegalStateException()
			.isThrownBy(() -> new VariantEnvironment().postProcessEnvironment(environment, new SpringApplication()))
			.withMessageContaining("IMAGE_WORKER_VARIANTS_HERO_WIDHTS");
	}

	/** An environment whose system environment is the variables given. */
	private static StandardEnvironment environment(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
		return environment;
	}

	static ImageWorkerProperties bind(Map<String, ?> values) {
		return bind(List.of(new MapConfigurationPropertySource(values)));
	}

	static ImageWorkerProperties bind(Iterable<ConfigurationPropertySource> sources) {
		ApplicationConversionService conversions = new ApplicationConversionService();
		VariantSpecConverters.register(conversions);
		return new Binder(sources, null, conversions).bindOrCreate("image-worker", ImageWorkerProperties.class);
	}

}
