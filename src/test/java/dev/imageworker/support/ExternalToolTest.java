package dev.imageworker.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A test that runs a program besides the JDK, {@code moto_server}, libvips and
 * ImageMagick: a linter ({@code cfn-lint}, {@code dockerfile-utils}) or a CLI the
 * deployment scripts call ({@code aws}). Such tests run only in the drills tier,
 * {@code ./mvnw verify -Pdrills}, where a missing program is a failure, so that
 * {@code ./mvnw test} and {@code ./mvnw verify} need nothing of the kind. Put it on the
 * one method that runs the program, not on the class.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(ExternalToolTest.TAG)
public @interface ExternalToolTest {

	/** The JUnit tag the build selects these tests by. */
	String TAG = "external-tool";

}
