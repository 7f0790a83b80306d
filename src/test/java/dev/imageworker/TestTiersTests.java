package dev.imageworker;

import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.imageworker.support.DrillTest;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

/**
 * The test tiers, as the build tells them apart: a class whose name ends in {@code Tests}
 * runs in {@code ./mvnw test}, one ending in {@code IT} in {@code ./mvnw verify}, and a
 * test tagged {@link DrillTest} or {@code ExternalToolTest} only in
 * {@code ./mvnw verify -Pdrills}. A test class named otherwise would never run, and a
 * drill without its tag would slow every build.
 */
class TestTiersTests {

	private static final JavaClasses TESTS = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
		.importPackages("dev.imageworker");

	/** By name: the rules see library classes only as the project's classes name them. */
	private static final List<String> TEST_ANNOTATIONS = List.of("org.junit.jupiter.api.Test",
			"org.junit.jupiter.params.ParameterizedTest", "org.junit.jupiter.api.RepeatedTest",
			"org.junit.jupiter.api.TestFactory", "org.junit.jupiter.api.TestTemplate");

	private static final DescribedPredicate<JavaClass> HAVE_TESTS = DescribedPredicate.describe("have tests",
			(type) -> type.getMethods()
				.stream()
				.anyMatch((method) -> TEST_ANNOTATIONS.stream().anyMatch(method::isAnnotatedWith)));

	@Test
	void everyClassWithTestsIsNamedForATier() {
		classes().that()
			.areTopLevelClasses()
			.and(HAVE_TESTS)
			.should()
			.haveSimpleNameEndingWith("Tests")
			.orShould()
			.haveSimpleNameEndingWith("IT")
			.check(TESTS);
	}

	@Test
	void everyDrillIsTaggedForTheDrillsTier() {
		classes().that()
			.resideInAPackage("..drills..")
			.and()
			.haveSimpleNameEndingWith("IT")
			.should()
			.beAnnotatedWith(DrillTest.class)
			.check(TESTS);
	}

}
