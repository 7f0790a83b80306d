package dev.imageworker;

import java.util.ArrayList;
import java.util.List;

import dev.imageworker.local.SampleUploads;
import dev.imageworker.support.LocalAws;

import org.springframework.boot.SpringApplication;

/**
 * Runs the worker locally against a local AWS (LocalStack or moto_server), provisions
 * every resource, uploads a few sample images and prints what becomes of them.
 */
public class TestImageWorkerApplication {

	public static void main(String[] args) {
		LocalAws aws = LocalAws.shared();
		System.out.println("Local AWS: " + aws.description());
		List<String> arguments = new ArrayList<>(List.of(args));
		aws.springProperties().forEach((name, value) -> arguments.add("--" + name + "=" + value));
		arguments.add("--image-worker.provision=true");
		SpringApplication.from(ImageWorkerApplication::main)
			.with(SampleUploads.class)
			.run(arguments.toArray(String[]::new));
	}

}
