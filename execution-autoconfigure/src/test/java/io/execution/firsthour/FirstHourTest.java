package io.execution.firsthour;

import io.execution.ExecutionDefinitionException;
import io.execution.fixtures.api.Pricing;
import io.execution.fixtures.outside.OutsideApplication;
import io.execution.fixtures.overloads.OverloadsApplication;
import io.execution.fixtures.unscanned.UnscannedApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The mistakes of a newcomer's first hour, each in a real application: the start-up either
 * does what was meant or fails with Spring Boot's failure analysis naming what to change.
 */
@ExtendWith(OutputCaptureExtension.class)
class FirstHourTest {

	private static ConfigurableApplicationContext run(Class<?> application, String... properties) {
		return new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	@Test
	void aServicesClientInterfaceOutsideTheScannedPackagesStillGoesThroughTheDispatcher() {
		try (ConfigurableApplicationContext context = run(OutsideApplication.class,
				"execution.endpoints.pricing.mode=queue", "execution.worker.enabled=true",
				"execution.worker.queues=pricing")) {
			Pricing pricing = context.getBean(Pricing.class);
			assertThat(pricing.quote("tea")).startsWith("tea on execution-worker-pricing-");
		}
	}

	@Test
	void aClientInterfaceOutsideTheScannedPackagesIsExplainedWithWhatToAdd(CapturedOutput output) {
		assertThatThrownBy(() -> run(UnscannedApplication.class)).isNotNull();
		assertThat(output).contains("@ExecutionClient io.execution.fixtures.api.Quotes was injected")
			.contains("[io.execution.fixtures.unscanned]")
			.contains("@AutoConfigurationPackage(basePackageClasses = { YourApplication.class, Quotes.class })");
	}

	@Test
	void anEndpointNameOneTypoAwayFromAServiceFailsTheStartNamingTheRightOne(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricng.timeout=5s"))
			.isInstanceOf(ExecutionDefinitionException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("execution.endpoints.pricng is configured, but nothing in this application is named 'pricng'")
			.contains("Did you mean execution.endpoints.pricing?");
	}

	@Test
	void anEndpointNothingHereUsesIsReportedAndTheStartGoesOn(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(OutsideApplication.class,
				"execution.endpoints.billing.mode=http", "execution.endpoints.billing.urls=http://localhost:1")) {
			assertThat(context.isActive()).isTrue();
		}
		assertThat(output).contains("execution.endpoints.billing is configured, but no @ExecutionClient or"
				+ " @ExecutionService of this application is named 'billing'");
	}

	@Test
	void localOnlyRunsEveryEndpointInTheTestsJvmWhateverItsMode() {
		try (ConfigurableApplicationContext context = run(OutsideApplication.class, "execution.local-only=true",
				"execution.endpoints.pricing.mode=http", "execution.endpoints.pricing.urls=http://localhost:1",
				"execution.endpoints.pricing.fallback=pricing-backup", "execution.endpoints.pricing-backup.mode=queue")) {
			assertThat(context.getBean(Pricing.class).quote("tea")).isEqualTo("tea on " + Thread.currentThread().getName());
		}
	}

	@Test
	void localOnlyWithAClientWhoseServiceIsNotHereFailsNamingWhatToAdd(CapturedOutput output) {
		assertThatThrownBy(() -> run(io.execution.fixtures.missing.MissingApplication.class, "execution.local-only=true"))
			.isInstanceOf(ExecutionDefinitionException.class);
		assertThat(output).contains("execution.local-only is set")
			.contains("no @ExecutionService named 'nowhere'")
			.contains("@TestConfiguration");
	}

	@Test
	void twoOverloadsOfOneArityFailTheStartWithAFailureAnalysis(CapturedOutput output) {
		assertThatThrownBy(() -> run(OverloadsApplication.class)).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("has two methods named 'find' taking 1 arguments")
			.contains("Rename one of them");
		assertThat(output.toString().lines().filter((line) -> line.startsWith("\tat ")).count()).isZero();
	}

}
