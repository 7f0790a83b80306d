package dev.imageworker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the thumbnail worker. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ImageWorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(ImageWorkerApplication.class, args);
	}

}
