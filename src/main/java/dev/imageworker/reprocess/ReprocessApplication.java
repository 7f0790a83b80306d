package dev.imageworker.reprocess;

import java.util.Arrays;

import dev.imageworker.config.ImageWorkerProperties;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * {@code java -jar image-worker.jar reprocess ...}: the same jar and configuration as the
 * worker, without its web server and listener, enqueuing direct jobs that render again
 * what is already there. See {@link ReprocessCommand} for the options. Not a stereotype,
 * so the worker's component scan leaves it out.
 */
@EnableAutoConfiguration
@EnableConfigurationProperties(ImageWorkerProperties.class)
@Import(ReprocessCommand.class)
public class ReprocessApplication {

	/** The first argument that selects this command instead of the worker. */
	public static final String COMMAND = "reprocess";

	/** Whether the arguments ask for this command. */
	public static boolean isRequested(String[] args) {
		return args.length > 0 && COMMAND.equals(args[0]);
	}

	/**
	 * Runs the command with the arguments after {@value #COMMAND}.
	 * @return the process exit code
	 */
	public static int run(String[] args) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReprocessApplication.class)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			// A command line run: no health groups of the worker's beans, no metrics
			// export.
			.properties("management.endpoint.health.validate-group-membership=false",
					"management.cloudwatch.metrics.export.enabled=false")
			.run(Arrays.copyOfRange(args, 1, args.length))) {
			return context.getBean(ReprocessCommand.class).exitCode();
		}
	}

}
