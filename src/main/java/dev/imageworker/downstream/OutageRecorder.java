package dev.imageworker.downstream;

import java.util.Optional;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Feeds the breakers with the outcome of every S3, DynamoDB and SNS call, after the SDK's
 * own retries: one place sees every call, so the pipeline needs no bookkeeping of its
 * own.
 */
final class OutageRecorder implements ExecutionInterceptor {

	private final DownstreamBreakers breakers;

	OutageRecorder(DownstreamBreakers breakers) {
		this.breakers = breakers;
	}

	@Override
	public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
		downstream(attributes).ifPresent(this.breakers::succeeded);
	}

	@Override
	public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
		downstream(attributes).ifPresent((downstream) -> this.breakers.failed(downstream, context.exception()));
	}

	private static Optional<Downstream> downstream(ExecutionAttributes attributes) {
		String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
		return (service != null) ? Downstream.ofServiceName(service) : Optional.empty();
	}

}
