package dev.imageworker.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;

/**
 * A drill or a check of a whole process: the packaged jar, the image's build steps, the
 * local run; a minute or more each, some asserting timing or memory. Such tests run only
 * in the drills tier, {@code ./mvnw verify -Pdrills} (CI runs it after
 * {@code ./mvnw verify}), so that the everyday tiers stay fast and independent of the
 * machine's load. Run one with {@code ./mvnw verify -Pdrills -Dit.test=CrashDrillIT}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(DrillTest.TAG)
public @interface DrillTest {

	/** The JUnit tag the build selects the drills tier by. */
	String TAG = "drill";

}
