package io.execution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a call's fairness key on the call itself: the argument passed for this parameter, as
 * text, is the key (its lane on a queue, and the key whose per-key limits the call counts in):
 * <pre>{@code
 * @ExecutionClient("billing")
 * interface Billing {
 *     Receipt charge(@FairnessKey String customerId, Money amount);
 * }
 * }</pre>
 * With {@code execution.worker.limits.billing.per-key.max-concurrent: 1}, at most one charge per
 * customer runs at a time across every worker, while other customers' charges go on. The argument
 * wins over a {@link CallScope#fairnessKey(String) CallScope}'s key; a {@code null} argument leaves
 * the scope's (or none). The text is held to the same rules as a scope's key (not blank, at most
 * {@value CallScope#MAX_KEY_LENGTH} characters, no control characters): a call whose argument breaks
 * them fails with an {@link IllegalArgumentException} naming the parameter. One parameter per method;
 * only queue endpoints use the key.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface FairnessKey {

}
