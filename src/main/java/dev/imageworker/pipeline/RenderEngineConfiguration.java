package dev.imageworker.pipeline;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
import dev.imageworker.imaging.RenderSpec;
import dev.imageworker.imaging.vips.VipsRenderEngine;
import io.micrometer.observation.ObservationRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Picks the one {@link RenderEngine} from {@code image-worker.engine}: {@code auto}
 * prefers libvips and falls back to the pure-Java engine when the library does not load.
 */
@Configuration(proxyBeanMethods = false)
class RenderEngineConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RenderEngineConfiguration.class);

	@Bean
	RenderSpec renderSpec(ImageWorkerProperties properties) {
		return RenderSpec.from(properties);
	}

	/**
	 * The engine, once it is known to render every configured variant: one that cannot
	 * stops the worker here, naming the variants and what they need, rather than render
	 * something else.
	 */
	@Bean
	RenderEngine renderEngine(ImageWorkerProperties properties, RenderSpec spec,
			ObjectProvider<ObservationRegistry> observations) {
		RenderEngine engine = select(properties.engine(), spec,
				observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		logger.info("Rendering with the {} engine (image-worker.engine={})", engine.name(),
				properties.engine().name().toLowerCase(Locale.ROOT));
		return engine;
	}

	/**
	 * @throws IllegalStateException when the chosen engine cannot render the spec, or
	 * libvips was asked for and does not load
	 */
	static RenderEngine select(ImageWorkerProperties.Engine choice, RenderSpec spec, ObservationRegistry observations) {
		return select(choice, spec, () -> new VipsRenderEngine(observations), new JavaRenderEngine(observations));
	}

	/**
	 * @param vips makes the libvips engine, or throws {@link IllegalStateException} when
	 * libvips does not load
	 */
	static RenderEngine select(ImageWorkerProperties.Engine choice, RenderSpec spec, Supplier<RenderEngine> vips,
			RenderEngine java) {
		return switch (choice) {
			case JAVA -> serving(java, spec, "");
			case VIPS -> serving(vips.get(), spec, "");
			case AUTO -> {
				RenderEngine libvips;
				try {
					libvips = vips.get();
				}
				catch (IllegalStateException ex) {
					logger.info("libvips is not available ({}), falling back to the Java engine", ex.getMessage());
					yield serving(java, spec, " (image-worker.engine=auto fell back to it: " + ex.getMessage() + ")");
				}
				yield serving(libvips, spec, "");
			}
		};
	}

	private static RenderEngine serving(RenderEngine engine, RenderSpec spec, String why) {
		List<String> unsupported = engine.unsupported(spec);
		if (!unsupported.isEmpty()) {
			throw new IllegalStateException("The " + engine.name() + " engine" + why
					+ " cannot render the configured variants: " + String.join("; ", unsupported));
		}
		return engine;
	}

}
