package dev.imageworker;

import dev.imageworker.reprocess.ReprocessApplication;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point of the thumbnail worker, and of its {@code reprocess} command
 * ({@link ReprocessApplication}).
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImageWorkerApplication {

	public static void main(String[] args) {
		if (ReprocessApplication.isRequested(args)) {
			System.exit(ReprocessApplication.run(args));
		}
		SpringApplication.run(ImageWorkerApplication.class, args);
	}

}
