package io.execution.httpit;

import io.execution.ExecutionException;
import io.execution.http.HttpTransport;
import io.execution.httpit.caller.Billing;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resilience4j used as designed, with its Spring Boot 4 starter on the class path: the breakers
 * and retries of an endpoint live in the application's registries (so Resilience4j's actuator
 * endpoints and meters show them), {@code configs.default} and {@code instances.<name>} apply, and
 * Execution's low-traffic defaults stay when the user sets nothing.
 */
class ResilienceRegistriesTest {

	@Test
	void configsDefaultApplyToTheEndpointsBreakersAndRetriesWhichShowInTheRegistriesAndMeters() {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + GuardsTest.freeUrl(), "execution.http.health-check.interval=0",
				"resilience4j.circuitbreaker.configs.default.sliding-window-size=7",
				"resilience4j.circuitbreaker.configs.default.minimum-number-of-calls=7",
				"resilience4j.retry.configs.default.max-attempts=2",
				"resilience4j.retry.configs.default.wait-duration=10ms")) {
			CircuitBreakerRegistry breakers = caller.getBean(CircuitBreakerRegistry.class);
			RetryRegistry retries = caller.getBean(RetryRegistry.class);
			HttpTransport transport = GuardsTest.transport(caller);
			CircuitBreaker breaker = breakers.find("billing").orElseThrow();
			assertThat(GuardsTest.breaker(caller)).isSameAs(breaker);
			assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(7);
			Retry retry = retries.find("billing").orElseThrow();
			assertThat(retry.getRetryConfig().getMaxAttempts()).isEqualTo(2);
			assertThatThrownBy(() -> caller.getBean(Billing.class).quote("x")).isInstanceOf(ExecutionException.class);
			assertThat(retry.getMetrics().getNumberOfFailedCallsWithRetryAttempt()).isEqualTo(1);
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
			MeterRegistry meters = caller.getBean(MeterRegistry.class);
			assertThat(meters.find("resilience4j.retry.calls").tag("name", "billing").meters()).isNotEmpty();
			assertThat(meters.find("resilience4j.circuitbreaker.calls").tag("name", "billing").meters()).isNotEmpty();
		}
	}

	@Test
	void anInstanceNamedAfterTheEndpointWinsOverTheDefaults() {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + GuardsTest.freeUrl(), "execution.http.health-check.interval=0",
				"resilience4j.circuitbreaker.configs.default.sliding-window-size=7",
				"resilience4j.circuitbreaker.instances.billing.sliding-window-size=9",
				"resilience4j.retry.instances.billing.max-attempts=4")) {
			assertThat(GuardsTest.breaker(caller).getCircuitBreakerConfig().getSlidingWindowSize())
				.isEqualTo(9);
			assertThat(caller.getBean(RetryRegistry.class).find("billing").orElseThrow().getRetryConfig().getMaxAttempts())
				.isEqualTo(4);
		}
	}

	@Test
	void withoutResilience4jSettingsTheEndpointKeepsExecutionsDefaultsInTheRegistries() {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + GuardsTest.freeUrl(), "execution.http.health-check.interval=0",
				"execution.http.circuit-breaker.failure-threshold=4", "execution.endpoints.billing.retry.max-attempts=5")) {
			CircuitBreaker breaker = caller.getBean(CircuitBreakerRegistry.class).find("billing").orElseThrow();
			assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(4);
			assertThat(breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(4);
			assertThat(caller.getBean(RetryRegistry.class).find("billing").orElseThrow().getRetryConfig().getMaxAttempts())
				.isEqualTo(5);
		}
	}

}
