package dev.imageworker.tracing;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class TracingSwitchTests {

	@Test
	void tracesOnlyWithAnOtlpEndpoint() {
		assertThat(enabled(new MockEnvironment())).isEqualTo("false");
		assertThat(enabled(new MockEnvironment().withProperty(TracingSwitch.ENDPOINT, " "))).isEqualTo("false");
		assertThat(
				enabled(new MockEnvironment().withProperty(TracingSwitch.ENDPOINT, "http://collector:4318/v1/traces")))
			.isEqualTo("true");
	}

	@Test
	void anExplicitSettingStillDecides() {
		MockEnvironment off = new MockEnvironment().withProperty(TracingSwitch.ENDPOINT, "http://collector:4318")
			.withProperty(TracingSwitch.ENABLED, "false");
		MockEnvironment on = new MockEnvironment().withProperty(TracingSwitch.ENABLED, "true");

		assertThat(enabled(off)).isEqualTo("false");
		assertThat(enabled(on)).isEqualTo("true");
	}

	private static String enabled(MockEnvironment environment) {
		new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
		return environment.getProperty(TracingSwitch.ENABLED);
	}

}
