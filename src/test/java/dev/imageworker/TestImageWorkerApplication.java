package dev.imageworker;

import java.util.ArrayList;
import java.util.List;

import dev.imageworker.local.SampleUploads;
import dev.imageworker.support.LocalAws;

import org.springframework.boot.SpringApplication;

/**
 * Runs the worker locally against a local AWS (LocalStack or moto_server), provisions
 * every resource, uploads a few sample images and prints what becomes of them. On Ctrl-C
 * the local AWS stops after the worker, so the listener never polls a server that is
 * gone.
 */
public class TestImageWorkerApplication {

	public static void main(String[] args) {
		LocalAws aws = LocalAws.start();
		// Run by Spring Boot's shutdown hook once the application context has closed.
		SpringApplication.getShutdownHandlers().add(aws::close);
		System.out.println("Local AWS: " + aws.description());
		List<String> arguments = new ArrayList<>(List.of(args));
		aws.springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--image-worker.provision=true");
		SpringApplication.from(ImageWorkerApplication::main)
			.with(SampleUploads.class)
			.run(arguments.toArray(String[]::new));
	}

}
