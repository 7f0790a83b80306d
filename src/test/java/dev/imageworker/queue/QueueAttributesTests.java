package dev.imageworker.queue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The settings, the readiness check, the backlog and provisioning read a queue's
 * attributes through {@link QueueAttributes} alone.
 */
class QueueAttributesTests {

	private static final JavaClasses CLASSES = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("dev.imageworker");

	@Test
	void onlyQueueAttributesCallsGetQueueAttributes() {
		noClasses().that()
			.doNotBelongToAnyOf(QueueAttributes.class)
			.should()
			.callMethodWhere(target(name("getQueueAttributes"))
				.and(target(owner(assignableTo(SqsAsyncClient.class).or(assignableTo(SqsClient.class))))))
			.check(CLASSES);
	}

}
