package io.execution.aot;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.AbstractAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application processed ahead of time as Spring Boot's build plugins do (bean definitions
 * turned into code, runtime hints written), the generated code compiled, and the application
 * then run from it on the JVM ({@code spring.aot.enabled}): clients, services and a worker pool
 * work without the registrars running, and the hints name what a native image needs.
 */
class AotTest {

	private static final String[] ARGS = { "--spring.main.banner-mode=off", "--execution.endpoints.quotes.queue=quotes",
			"--execution.worker.enabled=true", "--execution.worker.queues=quotes" };

	@Test
	void theAotProcessedApplicationRunsAndItsHintsNameTheContracts(@TempDir Path work) throws Exception {
		AbstractAotProcessor.Settings settings = AbstractAotProcessor.Settings.builder()
			.sourceOutput(work.resolve("sources"))
			.resourceOutput(work.resolve("resources"))
			.classOutput(work.resolve("classes"))
			.groupId("io.execution")
			.artifactId("aot-test")
			.build();
		new SpringApplicationAotProcessor(AotApplication.class, settings, ARGS).process();

		String hints = read(work.resolve("resources"), "reachability-metadata.json");
		assertThat(hints).contains("io.execution.aot.Quotes").contains("io.execution.aot.Quotes$Quote")
			.contains("io.execution.aot.Quotes$Line").contains("io.execution.aot.QuotesService")
			// The Redis backend's Lua scripts are resources a native image must hold.
			.contains("io\\/execution\\/redis\\/lua\\/*.lua")
			// The jdbc backend's DDL (read at start-up) and its Liquibase change log.
			.contains("io\\/execution\\/jdbc\\/*")
			// The console's page and assets are read through ClassPathResource.
			.contains("io\\/execution\\/console\\/*")
			// The built-in service: its client proxy, its implementation and the records it answers.
			.contains("io.execution.worker.WorkerOperations\"")
			.contains("io.execution.worker.WorkerOperationsService")
			.contains("io.execution.worker.WorkerOperations$Pong")
			.contains("io.execution.worker.WorkerOperations$Capabilities");
		assertThat(hints).as("the built-in client is a JDK proxy")
			.containsPattern("\\{\\s*\"proxy\"\\s*:\\s*\\[\\s*\"io.execution.worker.WorkerOperations\"");

		// Compiled next to the test classes: the generated code is in the packages of the classes it
		// configures and must be loaded by their class loader.
		Path classes = Path.of(AotApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		compile(work.resolve("sources"), classes);
		System.setProperty("spring.aot.enabled", "true");
		try {
			try (ConfigurableApplicationContext context = AotApplication.start(ARGS)) {
				assertThat(context.getBeanDefinitionNames())
					.as("the context was made from the generated code")
					.isNotEmpty();
				Quotes quotes = context.getBean(Quotes.class);
				Quotes.Quote quote = quotes.quote(new Quotes.Request("sku-1", 4));
				assertThat(quote.total()).isEqualTo(10.0);
				assertThat(quote.lines()).extracting(Quotes.Line::label).containsExactly("unit", "total");
			}
		}
		finally {
			System.clearProperty("spring.aot.enabled");
		}
	}

	private static String read(Path root, String name) throws IOException {
		try (Stream<Path> files = Files.walk(root)) {
			Path file = files.filter((path) -> path.getFileName().toString().equals(name)).findFirst().orElseThrow();
			return Files.readString(file);
		}
	}

	private static void compile(Path sources, Path output) throws IOException {
		List<String> files;
		try (Stream<Path> all = Files.walk(sources)) {
			files = all.filter((path) -> path.toString().endsWith(".java")).map(Path::toString).toList();
		}
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		List<String> arguments = new ArrayList<>(List.of("-d", output.toString(), "-cp", classpath + File.pathSeparator
				+ output, "-proc:none", "-nowarn", "-parameters"));
		arguments.addAll(files);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int status = compiler.run(null, null, System.err, arguments.toArray(String[]::new));
		assertThat(status).as("the generated code compiles").isZero();
	}

}
