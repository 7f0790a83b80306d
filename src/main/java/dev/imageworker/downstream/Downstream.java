package dev.imageworker.downstream;

import java.util.Locale;
import java.util.Optional;

/** The AWS services an image's work depends on besides the queue it came from. */
public enum Downstream {

	S3, DYNAMODB, SNS;

	/**
	 * The downstream the SDK names a call's service ({@code S3}, {@code DynamoDb}, ...).
	 */
	static Optional<Downstream> ofServiceName(String serviceName) {
		for (Downstream downstream : values()) {
			if (downstream.name().equals(serviceName.toUpperCase(Locale.ROOT))) {
				return Optional.of(downstream);
			}
		}
		return Optional.empty();
	}

	String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}
