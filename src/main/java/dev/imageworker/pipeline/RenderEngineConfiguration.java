package dev.imageworker.pipeline;

import java.util.Locale;

import dev.imageworker.config.ImageWorkerProperties;
import dev.imageworker.imaging.JavaRenderEngine;
import dev.imageworker.imaging.RenderEngine;
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
	RenderEngine renderEngine(ImageWorkerProperties properties, ObjectProvider<ObservationRegistry> observations) {
		RenderEngine engine = select(properties.engine(), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		logger.info("Rendering with the {} engine (image-worker.engine={})", engine.name(),
				properties.engine().name().toLowerCase(Locale.ROOT));
		return engine;
	}

	static RenderEngine select(ImageWorkerProperties.Engine choice, ObservationRegistry observations) {
		return switch (choice) {
			case JAVA -> new JavaRenderEngine(observations);
			case VIPS -> new VipsRenderEngine(observations);
			case AUTO -> {
				try {
					yield new VipsRenderEngine(observations);
				}
				catch (IllegalStateException ex) {
					logger.info("libvips is not available ({}), falling back to the Java engine", ex.getMessage());
					yield new JavaRenderEngine(observations);
				}
			}
		};
	}

}
