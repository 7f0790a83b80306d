package dev.imageworker.operations;

import dev.imageworker.config.ImageWorkerProperties;

import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Who may call the worker. Probes, the info endpoint and the Prometheus scrape answer
 * anyone, for GET only; everything else, the operator endpoints first, needs the operator
 * account over HTTP Basic. Without {@code image-worker.operator.password} there is no
 * account, so nothing but those reads is reachable.
 */
@Configuration(proxyBeanMethods = false)
class OperatorSecurityConfiguration {

	private static final String OPERATOR = "OPERATOR";

	@Bean
	SecurityFilterChain operatorSecurity(HttpSecurity http) {
		http.authorizeHttpRequests((requests) -> requests
			.requestMatchers(get(EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, HealthEndpoint.class)))
			.permitAll()
			.requestMatchers(
					get(EndpointRequest.to(HealthEndpoint.class, InfoEndpoint.class, PrometheusScrapeEndpoint.class)))
			.permitAll()
			.anyRequest()
			.hasRole(OPERATOR))
			.httpBasic(Customizer.withDefaults())
			// Called by scripts with a credential on every request: no session, no cookie
			// that a browser could be made to send, so no CSRF token either.
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.requestCache((cache) -> cache.disable());
		return http.build();
	}

	@Bean
	UserDetailsService operators(ImageWorkerProperties properties) {
		ImageWorkerProperties.Operator operator = properties.operator();
		if (operator.password() == null || operator.password().isEmpty()) {
			return new InMemoryUserDetailsManager();
		}
		String password = operator.password().startsWith("{") ? operator.password() : "{noop}" + operator.password();
		return new InMemoryUserDetailsManager(
				User.withUsername(operator.username()).password(password).roles(OPERATOR).build());
	}

	private static RequestMatcher get(RequestMatcher matcher) {
		return (request) -> "GET".equals(request.getMethod()) && matcher.matches(request);
	}

}
