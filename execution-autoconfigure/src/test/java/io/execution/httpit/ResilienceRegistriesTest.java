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
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
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


	/**
	 * A default config with one key set (here, only the health indicator) keeps every other of
	 * Execution's low-traffic values: the breaker still opens after 5 consecutive failures, and
	 * the log and Actuator say which configuration each endpoint took.
	 */
	@Test
	void aDefaultConfigsKeysMergeWithExecutionsLowTrafficValues(org.springframework.boot.test.system.CapturedOutput output) {
		try (ConfigurableApplicationContext caller = GuardsTest.caller(
				"execution.endpoints.billing.urls=" + GuardsTest.freeUrl(), "execution.http.health-check.interval=0",
				"resilience4j.circuitbreaker.configs.default.register-health-indicator=true",
				"resilience4j.circuitbreaker.configs.default.wait-duration-in-open-state=42s",
				"resilience4j.retry.configs.default.wait-duration=10ms")) {
			CircuitBreaker breaker = caller.getBean(CircuitBreakerRegistry.class).find("billing").orElseThrow();
			assertThat(breaker.getCircuitBreakerConfig().getSlidingWindowSize()).isEqualTo(5);
			assertThat(breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(5);
			assertThat(breaker.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(100f);
			// The one key of the low-traffic set the user wrote is theirs.
			assertThat(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1)).isEqualTo(42_000L);
			Retry retry = caller.getBean(RetryRegistry.class).find("billing").orElseThrow();
			assertThat(retry.getRetryConfig().getMaxAttempts()).isEqualTo(3);
			assertThat(retry.getRetryConfig().getIntervalBiFunction().apply(1, null)).isEqualTo(10L);
			for (int i = 0; i < 5; i++) {
				assertThatThrownBy(() -> caller.getBean(Billing.class).quote("x")).isInstanceOf(ExecutionException.class);
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

			assertThat(output).contains("Endpoint 'billing': circuit breaker from Execution's defaults")
				.contains("with resilience4j.circuitbreaker.configs.default's [register-health-indicator,"
						+ " wait-duration-in-open-state]")
				.contains("Endpoint 'billing': retry from execution.endpoints.billing.retry.* (3 attempts), with"
						+ " resilience4j.retry.configs.default's [wait-duration]");
			java.util.Map<String, Object> shown = caller.getBean(io.execution.actuate.ExecutionReport.class)
				.endpoint("billing");
			assertThat(String.valueOf(shown.get("circuitBreakerConfig"))).startsWith("Execution's defaults");
			assertThat(String.valueOf(shown.get("retryConfig"))).contains("resilience4j.retry.configs.default's");
		}
	}

}
