package io.execution.core;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes invocation ids that are unique across processes without the cost of a random UUID per
 * call: a random 64-bit prefix chosen once per process, then a counter.
 */
public final class InvocationIds {

	private static final String PREFIX = Long.toHexString(new SecureRandom().nextLong() | Long.MIN_VALUE) + "-";

	private static final byte[] PREFIX_BYTES = PREFIX.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

	private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

	private static final AtomicLong COUNTER = new AtomicLong();

	private InvocationIds() {
	}

	/**
	 * Returns a new id.
	 * @return an id never returned before by any process (with overwhelming likelihood)
	 */
	public static String next() {
		// The prefix and the counter's hex digits written once, into the string's own bytes.
		long counter = COUNTER.incrementAndGet();
		int digits = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(counter) + 3) / 4);
		byte[] id = new byte[PREFIX_BYTES.length + digits];
		System.arraycopy(PREFIX_BYTES, 0, id, 0, PREFIX_BYTES.length);
		for (int i = id.length - 1; i >= PREFIX_BYTES.length; i--) {
			id[i] = HEX[(int) (counter & 0xF)];
			counter >>>= 4;
		}
		return new String(id, java.nio.charset.StandardCharsets.ISO_8859_1);
	}

}
