package io.execution.testing;

import java.time.Duration;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.async.Executions;
import io.execution.core.CallOutcome;
import io.execution.core.CallStatistics;
import io.execution.fixtures.api.Pricing;
import io.execution.fixtures.outside.OutsideApplication;
import io.execution.test.ExecutionTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ExecutionTest} as an application's test uses it: an endpoint configured for another
 * instance runs here, a call due later is held in the JVM and runs when due, and the
 * dispatcher's counts answer the assertions.
 */
@ExecutionTest(classes = OutsideApplication.class, properties = {
		"execution.endpoints.pricing.urls=http://pricing.invalid:8080", "spring.main.banner-mode=off" })
class ExecutionTestTest {

	@Autowired
	Pricing pricing;

	@Autowired
	Executions executions;

	@Autowired
	CallStatistics calls;

	@Autowired
	Environment environment;

	@Test
	void callsRunInTheTestsJvmHeldUntilDueAndCounted() {
		assertThat(this.environment.getProperty("execution.local-only")).isEqualTo("true");
		assertThat(this.pricing.quote("tea")).startsWith("tea on ");
		assertThat(this.calls.of("pricing").calls()).isEqualTo(1);
		assertThat(this.calls.of("pricing").count(CallOutcome.SUCCEEDED)).isEqualTo(1);
		Execution<String> later = this.executions.startAfter(Duration.ofMillis(300), () -> this.pricing.quote("coffee"));
		assertThat(later.status()).isEqualTo(ExecutionStatus.SCHEDULED);
		assertThat(later.await(Duration.ofSeconds(30))).startsWith("coffee on ");
		// The execution counts as a call of the endpoint too, once its result is in.
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.calls.of("pricing").count(CallOutcome.SUCCEEDED) == 2);
	}

}
