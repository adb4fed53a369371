package io.execution.sample.worker.api;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;
import io.execution.Idempotent;

/** CPU-bound work: counting primes. The same call always gives the same answer, so it is idempotent. */
@ExecutionClient("primes")
@Idempotent
public interface Primes {

	/**
	 * Counts the primes up to a bound.
	 * @param upTo the inclusive bound
	 * @return the count and the largest prime found
	 */
	PrimeCount count(int upTo);

	/**
	 * Counts the primes up to a bound in segments, reporting progress after each: a long job to
	 * start as an execution ({@code executions.start(() -> primes.countInSegments(50_000_000, 20))}).
	 * @param upTo the inclusive bound
	 * @param segments how many segments to sieve, one progress report each
	 * @return the count and the largest prime found
	 */
	PrimeCount countInSegments(int upTo, int segments);

	/**
	 * The same, without blocking the caller.
	 * @param upTo the inclusive bound
	 * @return the count to come
	 */
	CompletableFuture<PrimeCount> countAsync(int upTo);

	/**
	 * How many primes there are up to a bound, and the largest.
	 * @param upTo the bound
	 * @param count how many primes
	 * @param largest the largest prime, 0 if none
	 * @param worker the thread that counted
	 */
	record PrimeCount(int upTo, int count, int largest, String worker) {
	}

}
