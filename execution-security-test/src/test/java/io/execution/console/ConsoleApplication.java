package io.execution.console;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.execution.ExecutionClient;
import io.execution.ExecutionService;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * An application with the console, a worker pool and the management security a team would
 * write: viewers read the Actuator endpoints, operators also write; CSRF on, as for a
 * single-page application.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(ConsoleApplication.ChoresService.class)
public class ConsoleApplication {

	@Bean
	SecurityFilterChain management(HttpSecurity http) {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests.requestMatchers(HttpMethod.GET, "/**")
				.hasRole("VIEWER")
				.anyRequest()
				.hasRole("OPERATOR"))
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.spa())
			.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("ops").password("{noop}ops-secret").roles("VIEWER", "OPERATOR").build(),
				User.withUsername("viewer").password("{noop}viewer-secret").roles("VIEWER").build());
	}

	/** Chores a worker pool runs. */
	@ExecutionClient("chores")
	public interface Chores {

		String run(String name, long millis);

		/** Fails the first time a name runs; its next attempt, 300 ms later, answers. */
		@io.execution.Idempotent
		@io.execution.RetryFailed(maxAttempts = 2, initialInterval = "300ms", jitter = 0)
		String failOnce(String name);

	}

	/** Sleeps as long as asked the first time a name runs, and returns at once after. */
	@ExecutionService
	public static class ChoresService implements Chores {

		static final Set<String> seen = ConcurrentHashMap.newKeySet();

		@Override
		public String run(String name, long millis) {
			if (seen.add(name)) {
				try {
					Thread.sleep(millis);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("interrupted");
				}
			}
			return "done " + name;
		}

		@Override
		public String failOnce(String name) {
			if (seen.add("fail-once:" + name)) {
				throw new IllegalStateException("first run of " + name + " fails");
			}
			return "done " + name;
		}

	}

}
