package io.execution.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks the instance a call goes to. Candidates are the instances not yet tried by this call
 * whose breaker is not open and whose last health check passed; when none is left, health is
 * ignored (every instance down still gets tried). An instance whose breaker is open gets a call
 * as its probe once Resilience4j's open wait is over: breakers move on their own clock, whether
 * or not health checks run, and health checks only take instances out of rotation and back.
 */
public abstract class LoadBalancer {

	/**
	 * Makes the balancer of a strategy.
	 * @param strategy the strategy
	 * @return a new balancer (round-robin keeps its own position)
	 */
	public static LoadBalancer of(Strategy strategy) {
		return switch (strategy) {
			case ROUND_ROBIN -> new RoundRobin();
			case RANDOM -> new RandomChoice();
			case LEAST_IN_FLIGHT -> new LeastInFlight();
			case POWER_OF_TWO -> new PowerOfTwo();
		};
	}

	/**
	 * Chooses an instance and takes its breaker's permission for one call, which the caller
	 * must then record ({@code onSuccess} / {@code onError}) or release.
	 * @param instances all instances of the endpoint
	 * @param tried the instances this call has tried already
	 * @return the instance, or {@code null} when every candidate's breaker refuses
	 */
	public final Instance acquire(List<Instance> instances, Collection<Instance> tried) {
		List<Instance> fresh = untried(instances, tried);
		for (Instance instance : fresh) {
			// An open breaker whose wait is over turns half-open here and lets this call probe it.
			if (instance.open() && instance.healthy() && instance.breaker().tryAcquirePermission()) {
				return instance;
			}
		}
		List<Instance> candidates = candidates(fresh);
		while (!candidates.isEmpty()) {
			Instance picked = pick(candidates);
			if (picked.breaker().tryAcquirePermission()) {
				return picked;
			}
			// Half-open with its probe already out, or opened meanwhile.
			candidates.remove(picked);
		}
		return null;
	}

	/**
	 * Chooses an instance without asking its breaker for permission (an execution's start, whose
	 * follow-up is not a call the breaker judges).
	 * @param instances all instances of the endpoint
	 * @param tried the instances tried already
	 * @return the instance
	 */
	public final Instance choose(List<Instance> instances, Collection<Instance> tried) {
		List<Instance> fresh = untried(instances, tried);
		List<Instance> candidates = candidates(fresh);
		return pick(candidates.isEmpty() ? fresh : candidates);
	}

	private static List<Instance> untried(List<Instance> instances, Collection<Instance> tried) {
		List<Instance> fresh = new ArrayList<>(instances.size());
		for (Instance instance : instances) {
			if (!tried.contains(instance)) {
				fresh.add(instance);
			}
		}
		if (fresh.isEmpty()) {
			fresh.addAll(instances);
		}
		return fresh;
	}

	/** The instances not open, healthy ones only unless none is. */
	private static List<Instance> candidates(List<Instance> fresh) {
		List<Instance> candidates = new ArrayList<>(fresh.size());
		for (Instance instance : fresh) {
			if (instance.healthy() && !instance.open()) {
				candidates.add(instance);
			}
		}
		if (candidates.isEmpty()) {
			for (Instance instance : fresh) {
				if (!instance.open()) {
					candidates.add(instance);
				}
			}
		}
		return candidates;
	}

	/**
	 * Picks among candidates.
	 * @param candidates at least one instance
	 * @return the instance
	 */
	protected abstract Instance pick(List<Instance> candidates);

	/** The balancing strategies, as written in {@code execution.endpoints.<name>.load-balancer}. */
	public enum Strategy {

		/** Each instance in turn. */
		ROUND_ROBIN,

		/** Any instance, at random. */
		RANDOM,

		/** The instance with the fewest calls in flight. */
		LEAST_IN_FLIGHT,

		/** Two instances at random, then the one with the lower in-flight × peak-EWMA latency. */
		POWER_OF_TWO

	}

	static final class RoundRobin extends LoadBalancer {

		private final AtomicInteger next = new AtomicInteger();

		@Override
		protected Instance pick(List<Instance> candidates) {
			return candidates.get(Math.floorMod(this.next.getAndIncrement(), candidates.size()));
		}

	}

	static final class RandomChoice extends LoadBalancer {

		@Override
		protected Instance pick(List<Instance> candidates) {
			return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
		}

	}

	static final class LeastInFlight extends LoadBalancer {

		@Override
		protected Instance pick(List<Instance> candidates) {
			int offset = ThreadLocalRandom.current().nextInt(candidates.size());
			Instance best = null;
			for (int i = 0; i < candidates.size(); i++) {
				Instance candidate = candidates.get((i + offset) % candidates.size());
				if (best == null || candidate.inFlight() < best.inFlight()) {
					best = candidate;
				}
			}
			return best;
		}

	}

	static final class PowerOfTwo extends LoadBalancer {

		@Override
		protected Instance pick(List<Instance> candidates) {
			if (candidates.size() == 1) {
				return candidates.get(0);
			}
			ThreadLocalRandom random = ThreadLocalRandom.current();
			int first = random.nextInt(candidates.size());
			int second = random.nextInt(candidates.size() - 1);
			if (second >= first) {
				second++;
			}
			Instance a = candidates.get(first);
			Instance b = candidates.get(second);
			return (cost(a) <= cost(b)) ? a : b;
		}

		private static double cost(Instance instance) {
			// +1 so that an idle instance's latency still counts, and a fresh one (latency 0) is tried.
			return (instance.inFlight() + 1) * instance.latencyNanos();
		}

	}

}
