package io.execution.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.annotation.AliasFor;
import org.springframework.test.context.TestPropertySource;

/**
 * A {@code @SpringBootTest} whose calls all run in the test's JVM: {@code execution.local-only}
 * is on, so every endpoint — queue, http, fallbacks — runs on this application's
 * {@code @ExecutionService} beans (a test supplies those it lacks in a
 * {@code @TestConfiguration}), calls a queue would hold until due are held here and run when due,
 * and no Redis or other instance is needed. The dispatcher's counts are there to assert on:
 * inject {@link io.execution.core.CallStatistics} ({@code calls.of("stock").calls()}, by outcome
 * with {@code count(CallOutcome.SUCCEEDED)}).
 * <pre class="code">
 * &#64;ExecutionTest
 * class CheckoutTest {
 *     &#64;Autowired Checkout checkout;
 *     &#64;Autowired CallStatistics calls;
 *
 *     &#64;Test
 *     void ordersWhatIsInStock() {
 *         assertThat(checkout.order("tea", 3)).isEqualTo("3 x tea = 750 cents");
 *         assertThat(calls.of("stock").calls()).isEqualTo(1);
 *     }
 * }
 * </pre>
 * Further properties go in {@link #properties()} or a {@code @TestPropertySource} of the test's
 * own, as with {@code @SpringBootTest}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@SpringBootTest
@TestPropertySource(properties = "execution.local-only=true")
public @interface ExecutionTest {

	/**
	 * Properties of the test's environment, {@code key=value}.
	 * @return the properties
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "properties")
	String[] properties() default {};

	/**
	 * The component classes to load, as {@code @SpringBootTest} takes them; by default the
	 * application's {@code @SpringBootConfiguration}.
	 * @return the classes
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "classes")
	Class<?>[] classes() default {};

	/**
	 * The web environment, as {@code @SpringBootTest} takes it.
	 * @return the web environment
	 */
	@AliasFor(annotation = SpringBootTest.class, attribute = "webEnvironment")
	SpringBootTest.WebEnvironment webEnvironment() default SpringBootTest.WebEnvironment.MOCK;

}
