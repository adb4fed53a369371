package io.execution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose methods Execution may run for callers: in this JVM, for HTTP callers
 * and for queue workers. The annotated class is a Spring component, so it needs no
 * {@code @Component} of its own.
 * <p>
 * The service name is {@link #value()} when given, else the name of the
 * {@link ExecutionClient @ExecutionClient} interface the class implements, else the simple
 * name of its only interface, else its own simple name. The methods offered are those of the
 * interfaces the class implements (its public methods when it implements none). Callers and
 * services agree by service name, method name and argument count, not by Java class identity.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface ExecutionService {

	/**
	 * The service name callers use; empty to derive it from the interface. A given name is
	 * also the bean's name, as with {@code @Service("name")}.
	 * @return the service name
	 */
	@AliasFor(annotation = Component.class)
	String value() default "";

}
