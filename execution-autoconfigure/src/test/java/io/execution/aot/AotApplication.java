package io.execution.aot;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;

/** An application as a user would write it, processed ahead of time by {@link AotTest}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class AotApplication {

	/**
	 * Starts the application, as the AOT processor does and as its test then does from the
	 * generated code.
	 * @param args the arguments
	 * @return the context
	 */
	public static ConfigurableApplicationContext start(String... args) {
		return new SpringApplicationBuilder(AotApplication.class).main(AotApplication.class)
			.web(WebApplicationType.NONE)
			.run(args);
	}

	public static void main(String[] args) {
		start(args);
	}

}
