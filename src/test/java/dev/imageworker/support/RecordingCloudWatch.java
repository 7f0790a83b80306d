package dev.imageworker.support;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

/**
 * A CloudWatch client that keeps the metric data it is given, for unit tests of what is
 * sent; what CloudWatch makes of it is tested against the local AWS.
 */
public final class RecordingCloudWatch implements CloudWatchAsyncClient {

	private final List<PutMetricDataRequest> sent = new CopyOnWriteArrayList<>();

	@Override
	public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
		this.sent.add(request);
		return CompletableFuture.completedFuture(PutMetricDataResponse.builder().build());
	}

	public List<PutMetricDataRequest> sent() {
		return List.copyOf(this.sent);
	}

	@Override
	public String serviceName() {
		return "cloudwatch";
	}

	@Override
	public void close() {
	}

}
