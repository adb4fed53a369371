package io.execution.httpit.caller;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** The caller's own copy of the contract: same names and arities, its own idempotency marks. */
@ExecutionClient("billing")
public interface Billing {

	String charge(String order, long cents);

	@Idempotent
	String quote(String item);

	String slow(long millis);

	String fail(String message);

	String echo(String text);

	Object broken();

	@Idempotent
	Object brokenIdempotent();

	String relay(String text);

}
