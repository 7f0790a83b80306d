package dev.imageworker.tracing;

import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbClientCustomizer;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.awspring.cloud.autoconfigure.sns.SnsClientCustomizer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.awssdk.v2_2.AwsSdkTelemetry;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A span for every S3, DynamoDB and SNS call of an image, as a child of the image's span,
 * through OpenTelemetry's AWS SDK instrumentation; an SNS publish carries the trace on as
 * a {@code traceparent} message attribute, so a subscriber's work joins the trace. The
 * listener's receive span is Spring Cloud AWS's own observation, which continues a
 * producer's {@code traceparent}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(TracingSwitch.ENABLED)
class AwsSdkTracing {

	/**
	 * The instrumentation's interceptor, built here rather than exposing its
	 * {@code AwsSdkTelemetry} as a bean: that class refers to SDK clients the worker does
	 * not have, which Spring would load to introspect it.
	 */
	private final ExecutionInterceptor tracing;

	AwsSdkTracing(OpenTelemetry openTelemetry) {
		this.tracing = AwsSdkTelemetry.builder(openTelemetry)
			.setUseConfiguredPropagatorForMessaging(true)
			.build()
			.createExecutionInterceptor();
	}

	@Bean
	S3ClientCustomizer s3Tracing() {
		return (builder) -> trace(builder, this.tracing);
	}

	@Bean
	DynamoDbClientCustomizer dynamoDbTracing() {
		return (builder) -> trace(builder, this.tracing);
	}

	@Bean
	SnsClientCustomizer snsTracing() {
		return (builder) -> trace(builder, this.tracing);
	}

	private static void trace(SdkClientBuilder<?, ?> builder, ExecutionInterceptor tracing) {
		builder.overrideConfiguration(
				builder.overrideConfiguration().toBuilder().addExecutionInterceptor(tracing).build());
	}

}
