package io.execution.httpit.caller;

import io.execution.ExecutionService;

/** The caller's own, local implementation: the last fallback. */
@ExecutionService("billing")
public class LocalBilling implements Billing {

	@Override
	public String charge(String order, long cents) {
		return "local:" + order + ":" + cents;
	}

	@Override
	public String quote(String item) {
		return "local";
	}

	@Override
	public String slow(long millis) {
		return "local";
	}

	@Override
	public String fail(String message) {
		throw new IllegalArgumentException(message);
	}

	@Override
	public String echo(String text) {
		return text;
	}

	@Override
	public Object broken() {
		return null;
	}

	@Override
	public Object brokenIdempotent() {
		return null;
	}

	@Override
	public String relay(String text) {
		return text;
	}

}
