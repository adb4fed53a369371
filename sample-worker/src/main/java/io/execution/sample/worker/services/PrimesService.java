package io.execution.sample.worker.services;

import java.util.BitSet;
import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionService;
import io.execution.async.Progress;
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
	public PrimeCount countInSegments(int upTo, int segments) {
		if (upTo < 2 || upTo > 2_000_000_000 || segments < 1 || segments > 10_000) {
			throw new IllegalArgumentException("upTo must be between 2 and 2,000,000,000 and segments between 1 and"
					+ " 10,000");
		}
		int root = (int) Math.sqrt(upTo);
		PrimeCount base = count(root);
		int[] primes = new int[base.count()];
		BitSet small = new BitSet(root + 1);
		for (int i = 2, n = 0; i <= root; i++) {
			if (!small.get(i)) {
				primes[n++] = i;
				for (long j = (long) i * i; j <= root; j += i) {
					small.set((int) j);
				}
			}
		}
		long width = ((long) upTo - 1 + segments - 1) / segments;
		int count = 0;
		int largest = 0;
		for (int segment = 0; segment < segments; segment++) {
			long low = 2 + segment * width;
			long high = Math.min(upTo, low + width - 1);
			if (low > high) {
				break;
			}
			BitSet composite = new BitSet((int) (high - low + 1));
			for (int p : primes) {
				long start = Math.max((long) p * p, ((low + p - 1) / p) * p);
				for (long j = start; j <= high; j += p) {
					composite.set((int) (j - low));
				}
			}
			for (long i = low; i <= high; i++) {
				if (!composite.get((int) (i - low))) {
					count++;
					largest = (int) i;
				}
			}
			if (Thread.currentThread().isInterrupted()) {
				throw new IllegalStateException("counting primes up to " + upTo + " was cancelled at " + high);
			}
			Progress.report((segment + 1) / (double) segments, "sieved up to " + high);
		}
		return new PrimeCount(upTo, count, largest, Thread.currentThread().getName());
	}

	@Override
	public CompletableFuture<PrimeCount> countAsync(int upTo) {
		return CompletableFuture.completedFuture(count(upTo));
	}

}
