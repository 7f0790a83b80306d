package dev.imageworker;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import dev.imageworker.queue.QueueAttributes;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

/**
 * Dependencies run one way: from the entry points through the listener and the pipeline
 * to the pieces it composes, down to the shared core and configuration. A package may use
 * only the layers below it, and a queue's attributes are read in one place.
 */
class PackageDependencyTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.imageworker");

	@Test
	void layersOnlyUseTheLayersBelow() {
		layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("Application")
			.definedBy("dev.imageworker")
			.layer("Commands")
			.definedBy("dev.imageworker.reprocess..", "dev.imageworker.provision..")
			.layer("Operations")
			.definedBy("dev.imageworker.operations..", "dev.imageworker.scaling..")
			.layer("Listener")
			.definedBy("dev.imageworker.ingest..")
			.layer("Pipeline")
			.definedBy("dev.imageworker.pipeline..")
			.layer("Parts")
			.definedBy("dev.imageworker.catalog..", "dev.imageworker.storage..", "dev.imageworker.notify..",
					"dev.imageworker.downstream..", "dev.imageworker.queue..", "dev.imageworker.tracing..")
			.layer("Engines")
			.definedBy("dev.imageworker.imaging.vips..")
			.layer("Imaging")
			.definedBy("dev.imageworker.imaging")
			.layer("Core")
			.definedBy("dev.imageworker.core..", "dev.imageworker.failure..")
			.layer("Config")
			.definedBy("dev.imageworker.config..")
			.whereLayer("Application")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("Commands")
			.mayOnlyBeAccessedByLayers("Application")
			.whereLayer("Operations")
			.mayNotBeAccessedByAnyLayer()
			.whereLayer("Listener")
			.mayOnlyBeAccessedByLayers("Operations")
			.whereLayer("Pipeline")
			.mayOnlyBeAccessedByLayers("Listener", "Operations")
			.whereLayer("Parts")
			.mayOnlyBeAccessedByLayers("Pipeline", "Listener", "Operations", "Commands")
			.whereLayer("Engines")
			.mayOnlyBeAccessedByLayers("Pipeline")
			.whereLayer("Imaging")
			.mayOnlyBeAccessedByLayers("Engines", "Pipeline", "Parts", "Operations")
			.whereLayer("Core")
			.mayOnlyBeAccessedByLayers("Imaging", "Engines", "Parts", "Pipeline", "Listener", "Operations", "Commands")
			.check(CLASSES);
	}

	@Test
	void onlyQueueAttributesCallsGetQueueAttributes() {
		noClasses().that()
			.doNotBelongToAnyOf(QueueAttributes.class)
			.should()
			.callMethodWhere(target(name("getQueueAttributes"))
				.and(target(owner(assignableTo(SqsAsyncClient.class).or(assignableTo(SqsClient.class))))))
			.check(CLASSES);
	}

	@Test
	void noPackageDependsOnItselfThroughAnother() {
		SlicesRuleDefinition.slices().matching("dev.imageworker.(**)").should().beFreeOfCycles().check(CLASSES);
	}

}
