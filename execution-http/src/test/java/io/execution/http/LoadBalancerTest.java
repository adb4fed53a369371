package io.execution.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balancers with real Resilience4j breakers: open instances are skipped and probed on the
 * breaker's own clock, a half-open instance takes one probe at a time, and least-in-flight
 * spreads calls that are in flight together.
 */
class LoadBalancerTest {

	private final MutableClock clock = new MutableClock();

	private Instance instance(String name) {
		CircuitBreakerConfig config = CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(2)
			.minimumNumberOfCalls(2)
			.waitDurationInOpenState(Duration.ofSeconds(10))
			.permittedNumberOfCallsInHalfOpenState(1)
			.clock(this.clock)
			.build();
		return new Instance(URI.create("http://" + name), CircuitBreaker.of(name, config));
	}

	@Test
	void anOpenInstanceIsSkippedThenProbedOnceItsWaitIsOver() {
		Instance a = instance("a");
		Instance b = instance("b");
		a.breaker().transitionToOpenState();
		LoadBalancer balancer = LoadBalancer.of(LoadBalancer.Strategy.ROUND_ROBIN);
		for (int i = 0; i < 4; i++) {
			Instance chosen = balancer.acquire(List.of(a, b), List.of());
			assertThat(chosen).isSameAs(b);
			chosen.breaker().onSuccess(1, TimeUnit.MILLISECONDS);
		}
		this.clock.advance(Duration.ofSeconds(11));
		Instance probe = balancer.acquire(List.of(a, b), List.of());
		assertThat(probe).isSameAs(a);
		assertThat(a.breaker().getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		// Its one probe is out: the next call goes elsewhere until the probe answers.
		assertThat(balancer.acquire(List.of(a, b), List.of())).isSameAs(b);
		probe.breaker().onSuccess(1, TimeUnit.MILLISECONDS);
		assertThat(a.breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void whenEveryBreakerRefusesNothingIsAcquired() {
		Instance a = instance("a");
		Instance b = instance("b");
		a.breaker().transitionToOpenState();
		b.breaker().transitionToOpenState();
		assertThat(LoadBalancer.of(LoadBalancer.Strategy.LEAST_IN_FLIGHT).acquire(List.of(a, b), List.of())).isNull();
	}

	@Test
	void anUnhealthyInstanceIsUsedOnlyWhenNoHealthyOneIsLeft() {
		Instance a = instance("a");
		Instance b = instance("b");
		a.healthy(false);
		LoadBalancer balancer = LoadBalancer.of(LoadBalancer.Strategy.RANDOM);
		for (int i = 0; i < 10; i++) {
			Instance chosen = balancer.acquire(List.of(a, b), List.of());
			assertThat(chosen).isSameAs(b);
			chosen.breaker().releasePermission();
		}
		assertThat(balancer.acquire(List.of(a, b), List.of(b))).isSameAs(a);
	}

	@Test
	void leastInFlightSpreadsCallsThatAreInFlightTogether() throws Exception {
		List<Instance> instances = List.of(instance("a"), instance("b"), instance("c"));
		LoadBalancer balancer = LoadBalancer.of(LoadBalancer.Strategy.LEAST_IN_FLIGHT);
		int callers = 30;
		CyclicBarrier start = new CyclicBarrier(callers);
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Instance>> calls = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				calls.add(threads.submit(() -> {
					start.await();
					Instance chosen = balancer.acquire(instances, List.of());
					chosen.started();
					return chosen;
				}));
			}
			for (Future<Instance> call : calls) {
				call.get(10, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(instances).allSatisfy((instance) -> assertThat(instance.inFlight()).isGreaterThanOrEqualTo(3));
		// One at a time, the least loaded instance is always the one chosen.
		Instance least = instances.stream().min((x, y) -> Integer.compare(x.inFlight(), y.inFlight())).get();
		assertThat(balancer.acquire(instances, List.of()).inFlight()).isEqualTo(least.inFlight());
	}

	/** A clock the test moves. */
	static final class MutableClock extends Clock {

		private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
