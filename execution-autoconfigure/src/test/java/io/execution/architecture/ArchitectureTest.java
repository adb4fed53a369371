package io.execution.architecture;

import java.util.regex.Pattern;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The architecture as rules that fail the build: the root package is the public API alone, the
 * core knows no technology module and no Spring Boot and takes from Spring and Resilience4j only
 * what is stated, transports do not know each other, technology modules do not know each other nor
 * the auto-configuration, and no package cycle exists (the root package included). Each rule is
 * shown to fail on a probe that breaks it. Each module is read from its own jar (or
 * classes folder), so a class that moves to the wrong module breaks a rule too.
 */
class ArchitectureTest {

	private static final String[] TECHNOLOGY_PACKAGES = { "io.execution.http..", "io.execution.redis..",
			"io.execution.queue.redis..", "io.execution.async.redis..", "io.execution.registry.redis..",
			"io.execution.recurring.redis..", "io.execution.queue.jdbc..", "io.execution.async.jdbc..",
			"io.execution.registry.jdbc..", "io.execution.recurring.jdbc.." };

	private static final JavaClasses CORE = module("execution-core");

	private static final JavaClasses HTTP = module("execution-http");

	private static final JavaClasses REDIS = module("execution-redis");

	private static final JavaClasses JDBC = module("execution-jdbc");

	private static final JavaClasses AUTOCONFIGURE = module("execution-autoconfigure");

	private static final JavaClasses ALL = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.execution");

	@Test
	void eachModuleIsFound() {
		assertThat(CORE.contain("io.execution.core.Dispatcher")).isTrue();
		assertThat(HTTP.contain("io.execution.http.HttpTransport")).isTrue();
		assertThat(REDIS.contain("io.execution.queue.redis.RedisQueueBackend")).isTrue();
		assertThat(JDBC.contain("io.execution.queue.jdbc.JdbcQueueBackend")).isTrue();
		assertThat(AUTOCONFIGURE.contain("io.execution.autoconfigure.ExecutionAutoConfiguration")).isTrue();
		assertThat(CORE.contain("io.execution.http.HttpTransport")).isFalse();
	}

	/** execution-core knows no technology module, no Spring Boot, no web. */
	static final ArchRule CORE_KNOWS_NO_TECHNOLOGY = noClasses().should()
		.dependOnClassesThat()
		.resideInAnyPackage(concat(TECHNOLOGY_PACKAGES, "io.execution.autoconfigure..", "io.execution.actuate..",
				"org.springframework.boot..", "io.lettuce..", "jakarta.servlet..", "org.springframework.web.."))
		.because("execution-core is the library without Spring Boot: technologies plug into its SPIs");

	/**
	 * What execution-core takes from Spring, stated: its utilities, the annotation support its
	 * annotations use, the stereotype {@code @ExecutionService} carries, and the lifecycle
	 * interfaces a worker pool implements. Nothing of the application context, beans or web.
	 */
	static final ArchRule CORE_SPRING_USE = noClasses().should()
		.dependOnClassesThat(new DescribedPredicate<JavaClass>("are Spring types beyond util, core.annotation,"
				+ " stereotype, the context's lifecycle interfaces and the cron parser (a value, no context)") {
			@Override
			public boolean test(JavaClass type) {
				String name = type.getName();
				return name.startsWith("org.springframework.") && !name.startsWith("org.springframework.util.")
						&& !name.startsWith("org.springframework.core.annotation.")
						&& !name.startsWith("org.springframework.stereotype.")
						&& !name.equals("org.springframework.context.SmartLifecycle")
						&& !name.equals("org.springframework.context.Lifecycle")
						&& !name.equals("org.springframework.context.Phased")
						&& !name.equals("org.springframework.scheduling.support.CronExpression");
			}
		})
		.because("execution-core is usable and testable without an application context");

	/** Of Resilience4j, execution-core uses the circuit breaker (the dispatcher's breaker stage) only. */
	static final ArchRule CORE_RESILIENCE4J_USE = noClasses().should()
		.dependOnClassesThat(new DescribedPredicate<JavaClass>("are Resilience4j types beyond its circuit breaker") {
			@Override
			public boolean test(JavaClass type) {
				String name = type.getName();
				return name.startsWith("io.github.resilience4j.")
						&& !name.startsWith("io.github.resilience4j.circuitbreaker.")
						&& !name.startsWith("io.github.resilience4j.core.");
			}
		})
		.because("the breaker stage is core's; retries over HTTP are the http transport's");

	/** The public API (annotations, exceptions) in the root package depends on nothing else of Execution. */
	static final ArchRule ROOT_IS_THE_API = classes().that()
		.resideInAPackage("io.execution")
		.should()
		.onlyDependOnClassesThat()
		.resideInAnyPackage("io.execution", "java..", "org.springframework.core.annotation..",
				"org.springframework.stereotype..")
		.because("what a user imports from io.execution must not drag the dispatcher or a transport in");

	/** The dispatcher's package knows no transport and no layer above it. */
	static final ArchRule CORE_PACKAGE_IS_THE_MIDDLE = noClasses().that()
		.resideInAPackage("io.execution.core")
		.should()
		.dependOnClassesThat()
		.resideInAnyPackage("io.execution.local..", "io.execution.queue..", "io.execution.http..",
				"io.execution.async..", "io.execution.worker..", "io.execution.registry..", "io.execution.client..",
				"io.execution.service..", "io.execution.codec..", "io.execution.resilience..", "org.springframework..")
		.because("the dispatcher is the middle: arrows point into it, never out to a transport or a layer");

	/** No cycle between packages, the root package included (as a slice of its own). */
	static final ArchRule NO_PACKAGE_CYCLES = slices().assignedFrom(new SliceAssignment() {
		@Override
		public SliceIdentifier getIdentifierOf(JavaClass type) {
			String name = type.getPackageName();
			if (name.equals("io.execution")) {
				return SliceIdentifier.of("(root)");
			}
			return name.startsWith("io.execution.") ? SliceIdentifier.of(name.substring("io.execution.".length()))
					: SliceIdentifier.ignore();
		}

		@Override
		public String getDescription() {
			return "the packages of io.execution, the root one included";
		}
	}).should().beFreeOfCycles();

	@Test
	void coreImportsNoTechnologyModuleAndNoSpringBoot() {
		CORE_KNOWS_NO_TECHNOLOGY.check(CORE);
		CORE_SPRING_USE.check(CORE);
		CORE_RESILIENCE4J_USE.check(CORE);
	}

	@Test
	void theRootPackageIsThePublicApiAlone() {
		assertThat(CORE.contain("io.execution.ExecutionTimeoutException")).isTrue();
		ROOT_IS_THE_API.check(ALL);
	}

	@Test
	void corePackageKnowsNoTransportNorTheLayersAboveIt() {
		CORE_PACKAGE_IS_THE_MIDDLE.check(CORE);
	}

	/**
	 * Each rule fails on a probe that breaks it (test classes, never in the jars): a rule that
	 * cannot fail guards nothing.
	 */
	@Test
	void eachRuleFailsOnAProbeThatBreaksIt() {
		JavaClasses rootProbe = new ClassFileImporter().importClasses(io.execution.ArchitectureProbe.class,
				io.execution.core.Dispatcher.class, io.execution.ExecutionException.class);
		JavaClasses coreProbe = new ClassFileImporter().importClasses(io.execution.core.ArchitectureProbe.class);
		assertThatThrownBy(() -> ROOT_IS_THE_API.check(rootProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("io.execution.ArchitectureProbe");
		assertThatThrownBy(() -> NO_PACKAGE_CYCLES.check(rootProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("(root)");
		assertThatThrownBy(() -> CORE_KNOWS_NO_TECHNOLOGY.check(coreProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("org.springframework.boot.SpringApplication");
		assertThatThrownBy(() -> CORE_SPRING_USE.check(coreProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("org.springframework.context.ApplicationContext");
		assertThatThrownBy(() -> CORE_RESILIENCE4J_USE.check(coreProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("io.github.resilience4j.retry.Retry");
		assertThatThrownBy(() -> CORE_PACKAGE_IS_THE_MIDDLE.check(coreProbe)).isInstanceOf(AssertionError.class)
			.hasMessageContaining("io.execution.queue.QueueBackend");
	}

	@Test
	void apacheHttpClientIsKnownToApacheSyncExchangeOnly() {
		// It is optional: a class that names it and loads without it breaks applications that lack it.
		noClasses().that()
			.haveNameNotMatching("io\\.execution\\.http\\.ApacheSyncExchange(\\$.*)?")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("org.apache.hc..")
			.because("Apache HttpClient 5 is an optional dependency, asked for by name before ApacheSyncExchange loads")
			.check(ALL);
	}

	@Test
	void transportsDoNotKnowEachOther() {
		noClasses().that()
			.resideInAPackage("io.execution.local..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.queue..", "io.execution.http..")
			.check(ALL);
		noClasses().that()
			.resideInAPackage("io.execution.queue..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.local..", "io.execution.http..")
			.check(ALL);
		noClasses().that()
			.resideInAPackage("io.execution.http..")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.local..", "io.execution.queue..", "io.execution.redis..")
			.check(ALL);
		noClasses().that()
			.resideInAPackage("io.execution.queue.memory..")
			.should()
			.dependOnClassesThat()
			.resideInAPackage("io.execution.queue.redis..")
			.check(ALL);
	}

	@Test
	void technologyModulesKnowNeitherEachOtherNorTheAutoConfiguration() {
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.redis..", "io.execution.queue.redis..", "io.execution.async.redis..",
					"io.execution.registry.redis..", "io.lettuce..", "io.execution.autoconfigure..",
					"io.execution.actuate..", "org.springframework.boot..")
			.check(HTTP);
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.http..", "io.github.resilience4j..", "io.execution.autoconfigure..",
					"io.execution.actuate..", "org.springframework.boot..", "org.springframework.web..")
			.check(REDIS);
		noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.http..", "io.execution.redis..", "io.execution.queue.redis..",
					"io.execution.async.redis..", "io.execution.registry.redis..", "io.execution.recurring.redis..",
					"io.lettuce..", "io.github.resilience4j..", "io.execution.autoconfigure..", "io.execution.actuate..",
					"org.springframework.boot..", "org.springframework.web..")
			.because("execution-jdbc is a library on Spring JDBC: Boot and the other technologies are the"
					+ " auto-configuration's")
			.check(JDBC);
	}

	@Test
	void autoConfigurationModuleHoldsOnlyAutoConfigurationActuatorAndTestSupport() {
		noClasses().should()
			.resideOutsideOfPackages("io.execution.autoconfigure..", "io.execution.actuate..", "io.execution.test..")
			.check(AUTOCONFIGURE);
		// Test support is annotations composing Boot's test ones, nothing the application runs.
		classes().that()
			.resideInAPackage("io.execution.test..")
			.should()
			.beAnnotatedWith(java.lang.annotation.Retention.class)
			.check(AUTOCONFIGURE);
	}

	@Test
	void noPackageCycles() {
		NO_PACKAGE_CYCLES.check(ALL);
	}

	@Test
	void noModuleCycles() {
		// Coarser than packages: the first level, with a technology's sub-packages counted as its own.
		slices().matching("io.execution.(*)..").should().beFreeOfCycles().check(CORE);
	}

	/** The classes of one module: its classes folder in the reactor build, or its jar. */
	private static JavaClasses module(String artifactId) {
		Pattern location = Pattern.compile(".*/" + artifactId + "(/target/classes/|-[^/]*\\.jar!/).*");
		return new ClassFileImporter().withImportOption((candidate) -> candidate.matches(location))
			.importPackages("io.execution");
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = new String[first.length + more.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

}
