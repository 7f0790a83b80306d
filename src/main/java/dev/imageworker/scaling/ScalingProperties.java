package dev.imageworker.scaling;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * What the worker does for the scaling of its fleet, under
 * {@code image-worker.scaling.*}.
 *
 * @param backlogInterval how often each worker reads the backlog of its queues (the
 * gauges, and the high-resolution metric when it is on)
 * @param backlogMetric the high-resolution backlog metric behind the fast scale-out alarm
 * @param taskProtection ECS task scale-in protection while messages are held
 */
@ConfigurationProperties("image-worker.scaling")
@Validated
public record ScalingProperties(@DefaultValue("30s") @DurationMin(seconds = 1) Duration backlogInterval,
		@DefaultValue @Valid BacklogMetric backlogMetric, @DefaultValue @Valid TaskProtection taskProtection) {

	/**
	 * The queue's backlog (visible plus in-flight messages) sent to CloudWatch at one
	 * second resolution after each read, in the namespace of the CloudWatch export.
	 *
	 * @param enabled whether to publish it; CloudWatch export must be on too
	 * @param threshold the smallest backlog worth publishing: below one task's target
	 * backlog no fleet size needs the fast signal, and a datum not sent is not paid for
	 */
	public record BacklogMetric(@DefaultValue("false") boolean enabled, @DefaultValue("0") @Min(0) long threshold) {
	}

	/**
	 * Scale-in protection through the ECS agent's task protection endpoint.
	 *
	 * @param agentUri the ECS agent's URI ({@code ECS_AGENT_URI}, which ECS sets in every
	 * container of a task); without it nothing is protected
	 * @param expiresIn how long one protection lasts: a task busy for longer lets it
	 * lapse until it is next idle, so a scale-in or deployment waits at most this long
	 * for it
	 * @param idleGrace how long the worker holds no message before it clears protection,
	 * so a worker between two messages does not call the agent twice
	 */
	public record TaskProtection(@Nullable String agentUri,
			@DefaultValue("30m") @DurationMin(minutes = 1) @DurationMax(hours = 48) Duration expiresIn,
			@DefaultValue("10s") @DurationMin(seconds = 0) Duration idleGrace) {

		boolean enabled() {
			return this.agentUri != null && !this.agentUri.isBlank();
		}

	}

}
