package io.execution.sample.worker.services;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionService;
import io.execution.sample.worker.api.Primes;

/** Counts primes with a sieve of Eratosthenes: pure CPU work. */
@ExecutionService
public class PrimesService implements Primes {

	@Override
	public PrimeCount count(int upTo) {
		if (upTo < 0 || upTo > 50_000_000) {
			throw new IllegalArgumentException("upTo must be between 0 and 50,000,000, not " + upTo);
		}
		BitSet composite = new BitSet(upTo + 1);
		int count = 0;
		int largest = 0;
		for (int i = 2; i <= upTo; i++) {
			if (!composite.get(i)) {
				count++;
				largest = i;
				for (long j = (long) i * i; j <= upTo; j += i) {
					composite.set((int) j);
				}
			}
		}
		return new PrimeCount(upTo, count, largest, Thread.currentThread().getName());
	}

	@Override
	public CompletableFuture<PrimeCount> countAsync(int upTo) {
		return CompletableFuture.completedFuture(count(upTo));
	}

}
