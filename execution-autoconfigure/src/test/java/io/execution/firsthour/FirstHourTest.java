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
			.contains("@ExecutionClientScan(basePackageClasses = Quotes.class)");
	}

	@Test
	void executionClientScanAddsAContractPackage() {
		try (ConfigurableApplicationContext context = run(io.execution.fixtures.scanned.ScannedApplication.class,
				"execution.endpoints.Quotes.mode=http", "execution.endpoints.Quotes.urls=http://localhost:1")) {
			Object quotes = context.getBean(io.execution.fixtures.scanned.ScannedApplication.Caller.class).quotes;
			assertThat(java.lang.reflect.Proxy.isProxyClass(quotes.getClass())).isTrue();
			assertThat(quotes.toString()).contains("Quotes");
		}
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
	void aMisspelledQueueEndpointIsSaidAsATypoBeforeAnythingElse(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricng.mode=queue"))
			.isInstanceOf(ExecutionDefinitionException.class);
		assertThat(output).contains("Did you mean execution.endpoints.pricing?")
			.doesNotContain("execution.endpoints.pricng.queue")
			.doesNotContain("execution.worker.queues");
	}

	@Test
	void aQueueEndpointNoPoolHereServesNamesThePropertyTheUserWrote(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricing.mode=queue")).isNotNull();
		assertThat(output).contains("execution.endpoints.pricing.mode")
			.contains("queue 'pricing' (the endpoint's name)")
			.contains("add 'pricing' to execution.worker.queues")
			.doesNotContain("execution.endpoints.pricing.queue");
	}

	@Test
	void anEndpointOfAClientLookedUpOnlyAfterTheStartIsNoUnusedEntry(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(io.execution.fixtures.scanned.ScannedApplication.class,
				"spring.main.lazy-initialization=true", "execution.endpoints.Quotes.mode=http",
				"execution.endpoints.Quotes.urls=http://localhost:1")) {
			assertThat(context.isActive()).isTrue();
		}
		assertThat(output).doesNotContain("execution.endpoints.Quotes is configured, but");
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
	void localOnlyHoldsScheduledCallsInTheJvmAndRunsThemWhenDue() {
		try (ConfigurableApplicationContext context = run(OutsideApplication.class, "execution.local-only=true",
				"execution.endpoints.pricing.mode=queue")) {
			Pricing pricing = context.getBean(Pricing.class);
			io.execution.async.Executions executions = context.getBean(io.execution.async.Executions.class);
			long started = System.nanoTime();
			io.execution.async.Execution<String> due = executions.startAfter(java.time.Duration.ofMillis(700),
					() -> pricing.quote("tea"));
			io.execution.async.Execution<String> cancelled = executions.startAfter(java.time.Duration.ofMillis(300),
					() -> pricing.quote("coffee"));
			assertThat(due.status()).isEqualTo(io.execution.async.ExecutionStatus.SCHEDULED);
			assertThat(cancelled.cancel()).isTrue();
			String value = due.await(java.time.Duration.ofSeconds(30));
			assertThat(System.nanoTime() - started).as("held until due")
				.isGreaterThanOrEqualTo(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(700));
			assertThat(value).startsWith("tea on ");
			assertThat(due.status()).isEqualTo(io.execution.async.ExecutionStatus.SUCCEEDED);
			assertThat(cancelled.status()).isEqualTo(io.execution.async.ExecutionStatus.CANCELLED);
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
	void settingsThatCannotWorkFailTheStartNamingEachPropertyAndWhatItMustBe(CapturedOutput output) {
		String[][] cases = { { "execution.default-timeout", "-5s", "must be longer than zero" },
				{ "execution.http.payload-limit", "-1MB", "must be larger than zero" },
				{ "execution.queue.redis.max-deliveries", "0", "must be at least 1" },
				{ "execution.http.circuit-breaker.failure-threshold", "0", "must be at least 1" },
				{ "execution.endpoints.pricing.timeout", "0s", "must be longer than zero",
						"execution.endpoints.pricing.timeout" },
				{ "execution.endpoints.pricing.retry.max-attempts", "0", "must be at least 1",
						"execution.endpoints.pricing.retry.maxAttempts" },
				{ "execution.worker.concurrency", "0", "must be at least 1" },
				{ "execution.queue.capacity", "-1", "must be at least 1" },
				{ "execution.executions.retention", "0s", "must be longer than zero" },
				{ "execution.queue.redis.reconnect-delay", "0s", "must be longer than zero" } };
		for (String[] setting : cases) {
			assertThatThrownBy(() -> run(OutsideApplication.class, setting[0] + "=" + setting[1])).as(setting[0])
				.isNotNull();
		}
		String printed = output.toString();
		for (String[] setting : cases) {
			// Boot names a property by where it came from, else by its path (camel case, a map's key in brackets).
			String path = (setting.length > 3) ? setting[3] : camel(setting[0]);
			assertThat(printed).as(setting[0])
				.containsPattern("(" + java.util.regex.Pattern.quote("Origin: \"" + setting[0] + "\"") + "|"
						+ java.util.regex.Pattern.quote("Property: " + path) + ").*\\R(?:.*\\R){0,2}?\\s+Reason: "
						+ setting[2]);
		}
	}

	private static String camel(String property) {
		StringBuilder camel = new StringBuilder();
		for (int i = 0; i < property.length(); i++) {
			char c = property.charAt(i);
			camel.append((c == '-') ? Character.toUpperCase(property.charAt(++i)) : c);
		}
		return camel.toString();
	}

	/**
	 * A command-line application whose {@code main} ends after a local {@code CompletableFuture}
	 * call, without closing its context: the JVM ends with it, not a minute later (the idle
	 * time of a non-daemon pool's threads).
	 */
	@Test
	void aCommandLineApplicationEndsWhenItsMainDoesAfterALocalFutureCall() throws Exception {
		String launcher = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Process process = new ProcessBuilder(launcher, "-cp", classpath, "-Dlogging.level.root=WARN",
				io.execution.fixtures.cli.CommandLineApplication.class.getName())
			.redirectErrorStream(true)
			.start();
		long started = System.nanoTime();
		java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture
			.supplyAsync(() -> {
				try {
					return new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
				}
				catch (java.io.IOException ex) {
					return ex.toString();
				}
			});
		boolean ended = process.waitFor(45, java.util.concurrent.TimeUnit.SECONDS);
		if (!ended) {
			process.destroyForcibly();
		}
		assertThat(ended).as("the JVM ended within 45 s of its start (it took %d s)",
				java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isTrue();
		assertThat(output.get(10, java.util.concurrent.TimeUnit.SECONDS)).contains("hello cli on execution-local-");
	}

	@Test
	void localFutureMethodsRunThroughTheApplicationsTaskDecorator() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(
				io.execution.fixtures.cli.CommandLineApplication.class, Decorating.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off")
			.run()) {
			org.slf4j.MDC.put("tenant", "acme");
			try {
				assertThat(context.getBean(io.execution.fixtures.cli.CommandLineApplication.Greeter.class).greet("cli").join())
					.startsWith("hello cli on execution-local-")
					.endsWith(" for acme");
			}
			finally {
				org.slf4j.MDC.remove("tenant");
			}
		}
	}

	/** Carries the caller's MDC to the task, as teams do with a TaskDecorator. */
	@org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
	static class Decorating {

		@org.springframework.context.annotation.Bean
		org.springframework.core.task.TaskDecorator mdc() {
			return (task) -> {
				java.util.Map<String, String> captured = org.slf4j.MDC.getCopyOfContextMap();
				return () -> {
					if (captured != null) {
						org.slf4j.MDC.setContextMap(captured);
					}
					try {
						task.run();
					}
					finally {
						org.slf4j.MDC.clear();
					}
				};
			};
		}

	}

	@org.junit.jupiter.params.ParameterizedTest
	@org.junit.jupiter.params.provider.ValueSource(strings = { "localhost:18101", "billing-1", "ftp://host:21" })
	void aUrlThatIsNotHttpFailsTheStartNamingItsProperty(String url, CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricing.urls=http://ok:8080," + url))
			.isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("execution.endpoints.pricing.urls[1]")
			.contains("\"" + url + "\"")
			.contains("http or https URL with a host");
		assertThat(output.toString().lines().filter((line) -> line.startsWith("\tat ")).count()).isZero();
	}

	@Test
	void aDurationIsShownAsWritten(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricing.timeout=-5s")).isNotNull();
		assertThat(output).contains("execution.endpoints.pricing.timeout").contains("\"-5s\"").doesNotContain("PT-5S");
	}

	@Test
	void aMisspelledKeyInAnEndpointFailsTheStartNamingTheNearestOne(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.endpoints.pricing.mode=local",
				"execution.endpoints.pricing.timeuot=5s")).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("execution.endpoints.pricing.timeuot")
			.contains("Did you mean execution.endpoints.pricing.timeout?");
	}

	@Test
	void anUnknownKeyInAnEndpointIsWarnedOf(CapturedOutput output) {
		try (ConfigurableApplicationContext context = run(OutsideApplication.class,
				"execution.endpoints.pricing.mode=local", "execution.endpoints.pricing.colour=blue")) {
			assertThat(output).contains("execution.endpoints.pricing.colour is not a setting of an endpoint");
		}
	}

	/** A client no bean injects is checked all the same: its mistakes stop the start. */
	@Test
	void aBadCacheResultStopsTheStartEvenWhenNoBeanInjectsTheClient(CapturedOutput output) {
		assertThatThrownBy(() -> run(io.execution.fixtures.badcache.BadCacheApplication.class)).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START").contains("@CacheResult(ttl = \"-1s\")")
			.contains("rates-bad.rate");
	}

	@Test
	void theHttpServerSwitchInAnApplicationThatCannotServeFailsTheStartSayingWhatToAdd(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.http.server.enabled=true")).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("execution.http.server.enabled")
			.contains("spring-boot-starter-webmvc");
	}

	@Test
	void redisMasterReplicaNodesAreRefusedAtTheStartWithTheTopologiesThatWork(CapturedOutput output) {
		assertThatThrownBy(() -> run(OutsideApplication.class, "execution.queue.backend=redis",
				"spring.data.redis.masterreplica.nodes=127.0.0.1:6379")).isNotNull();
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("spring.data.redis.masterreplica.nodes")
			.contains("spring.data.redis.sentinel");
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
