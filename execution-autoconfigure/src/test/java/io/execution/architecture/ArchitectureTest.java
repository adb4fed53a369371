package io.execution.architecture;

import java.util.regex.Pattern;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The architecture as rules that fail the build: the core knows no technology module and no
 * Spring Boot, transports do not know each other, technology modules do not know each other nor
 * the auto-configuration, and no package cycle exists. Each module is read from its own jar (or
 * classes folder), so a class that moves to the wrong module breaks a rule too.
 */
class ArchitectureTest {

	private static final String[] TECHNOLOGY_PACKAGES = { "io.execution.http..", "io.execution.redis..",
			"io.execution.queue.redis..", "io.execution.async.redis..", "io.execution.registry.redis.." };

	private static final JavaClasses CORE = module("execution-core");

	private static final JavaClasses HTTP = module("execution-http");

	private static final JavaClasses REDIS = module("execution-redis");

	private static final JavaClasses AUTOCONFIGURE = module("execution-autoconfigure");

	private static final JavaClasses ALL = new ClassFileImporter()
		.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
		.importPackages("io.execution");

	@Test
	void eachModuleIsFound() {
		assertThat(CORE.contain("io.execution.core.Dispatcher")).isTrue();
		assertThat(HTTP.contain("io.execution.http.HttpTransport")).isTrue();
		assertThat(REDIS.contain("io.execution.queue.redis.RedisQueueBackend")).isTrue();
		assertThat(AUTOCONFIGURE.contain("io.execution.autoconfigure.ExecutionAutoConfiguration")).isTrue();
		assertThat(CORE.contain("io.execution.http.HttpTransport")).isFalse();
	}

	@Test
	void coreImportsNoTechnologyModuleAndNoSpringBoot() {
		ArchRule rule = noClasses().should()
			.dependOnClassesThat()
			.resideInAnyPackage(concat(TECHNOLOGY_PACKAGES, "io.execution.autoconfigure..", "io.execution.actuate..",
					"org.springframework.boot..", "io.lettuce..", "io.github.resilience4j..", "jakarta.servlet..",
					"org.springframework.web.."))
			.because("execution-core is the library without Spring Boot: technologies plug into its SPIs");
		rule.check(CORE);
	}

	@Test
	void corePackageKnowsNoTransportNorTheLayersAboveIt() {
		ArchRule rule = noClasses().that()
			.resideInAPackage("io.execution.core")
			.should()
			.dependOnClassesThat()
			.resideInAnyPackage("io.execution.local..", "io.execution.queue..", "io.execution.http..",
					"io.execution.async..", "io.execution.worker..", "io.execution.registry..", "io.execution.client..",
					"io.execution.service..", "io.execution.codec..", "org.springframework..")
			.because("the dispatcher is the middle: arrows point into it, never out to a transport or a layer");
		rule.check(CORE);
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
	}

	@Test
	void autoConfigurationModuleHoldsOnlyAutoConfigurationAndActuator() {
		noClasses().should()
			.resideOutsideOfPackages("io.execution.autoconfigure..", "io.execution.actuate..")
			.check(AUTOCONFIGURE);
	}

	@Test
	void noPackageCycles() {
		slices().matching("io.execution.(**)").should().beFreeOfCycles().check(ALL);
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
