package io.execution.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;

/**
 * Finds {@link io.execution.ExecutionClient @ExecutionClient} interfaces in more packages than
 * the application's own (those of {@code @SpringBootApplication}, always scanned), such as a
 * shared API module's, without widening any other scanning (components, entities, repositories).
 *
 * <pre class="code">
 * &#64;SpringBootApplication
 * &#64;ExecutionClientScan(basePackageClasses = Thumbnails.class)
 * class ShopApplication { }
 * </pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(ExecutionClientScanRegistrar.class)
public @interface ExecutionClientScan {

	/**
	 * Alias for {@link #basePackages()}.
	 * @return the packages to scan
	 */
	@AliasFor("basePackages")
	String[] value() default {};

	/**
	 * Packages to scan, with their sub-packages.
	 * @return the packages to scan
	 */
	@AliasFor("value")
	String[] basePackages() default {};

	/**
	 * Classes or interfaces whose packages are scanned, the type-safe form of
	 * {@link #basePackages()}.
	 * @return the types marking the packages
	 */
	Class<?>[] basePackageClasses() default {};

}
