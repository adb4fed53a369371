package io.execution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface that callers inject to call a service, wherever it runs. Interfaces in
 * the application's auto-configuration packages are found and registered as beans; others
 * are created with {@code ExecutionClientFactory}. Which mode a call takes (local, http or
 * queue) is set per service under {@code execution.endpoints.<name>}.
 * <p>
 * Return types choose how a call behaves: {@code T} and {@code void} wait for the result,
 * {@code CompletableFuture<T>} (or {@code CompletionStage<T>}) returns at once and never
 * blocks the calling thread.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ExecutionClient {

	/**
	 * The service name; empty for the interface's simple name.
	 * @return the service name
	 */
	String value() default "";

}
