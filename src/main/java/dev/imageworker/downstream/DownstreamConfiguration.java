package dev.imageworker.downstream;

import io.awspring.cloud.autoconfigure.dynamodb.DynamoDbClientCustomizer;
import io.awspring.cloud.autoconfigure.s3.S3ClientCustomizer;
import io.awspring.cloud.autoconfigure.sns.SnsClientCustomizer;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.retry.RetryMode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the {@link OutageRecorder} on the auto-configured S3, DynamoDB and SNS clients,
 * beside whatever override configuration Spring Cloud AWS gave them, and gives them the
 * SDK's standard retry mode: three attempts, not the legacy mode's nine for DynamoDB,
 * which hold a throttled call for up to a minute. The queue retries for longer anyway,
 * and an outage must reach the breakers in seconds.
 */
@Configuration(proxyBeanMethods = false)
class DownstreamConfiguration {

	@Bean
	OutageRecorder outageRecorder(DownstreamBreakers breakers) {
		return new OutageRecorder(breakers);
	}

	@Bean
	S3ClientCustomizer s3OutageRecorder(OutageRecorder recorder) {
		return (builder) -> record(builder, recorder);
	}

	@Bean
	DynamoDbClientCustomizer dynamoDbOutageRecorder(OutageRecorder recorder) {
		return (builder) -> record(builder, recorder);
	}

	@Bean
	SnsClientCustomizer snsOutageRecorder(OutageRecorder recorder) {
		return (builder) -> record(builder, recorder);
	}

	private static void record(SdkClientBuilder<?, ?> builder, OutageRecorder recorder) {
		builder.overrideConfiguration(builder.overrideConfiguration()
			.toBuilder()
			.addExecutionInterceptor(recorder)
			.retryStrategy(RetryMode.STANDARD)
			.build());
	}

}
