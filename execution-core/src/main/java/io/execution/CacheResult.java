package io.execution;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches a client method's results: a call whose arguments (compared as JSON) equal those of a
 * call that succeeded within {@link #ttl()} gets that result without the method running;
 * identical calls made while one runs wait for it and share its result. The cache is in the
 * JVM with the memory backend and shared through Redis with the Redis backend. Failures are
 * not cached. Only for methods that declare it; not for streaming or {@code void} methods.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CacheResult {

	/**
	 * How long a result is served from the cache: {@code 500ms}, {@code 30s}, {@code 5m},
	 * {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT30S}).
	 * @return the time to live
	 */
	String ttl();

}
