package io.execution.core;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes invocation ids that are unique across processes without the cost of a random UUID per
 * call: a random 64-bit prefix chosen once per process, then a counter.
 */
public final class InvocationIds {

	private static final String PREFIX = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE) + "-";

	private static final AtomicLong COUNTER = new AtomicLong();

	private InvocationIds() {
	}

	/**
	 * Returns a new id.
	 * @return an id never returned before by any process (with overwhelming likelihood)
	 */
	public static String next() {
		return PREFIX + Long.toHexString(COUNTER.incrementAndGet());
	}

}
