package io.execution.streams;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import io.execution.ExecutionService;
import reactor.core.publisher.Flux;

/** Produces numbers lazily, counting what it produced and noting when a consumer closed it. */
@ExecutionService
public class FeedsService implements Feeds {

	static final Map<String, AtomicLong> produced = new ConcurrentHashMap<>();

	static final Set<String> closed = ConcurrentHashMap.newKeySet();

	static long produced(String name) {
		return produced.computeIfAbsent(name, (key) -> new AtomicLong()).get();
	}

	@Override
	public Stream<Integer> count(int upTo) {
		return IntStream.rangeClosed(1, upTo).boxed();
	}

	@Override
	public Flux<Integer> countFlux(int upTo) {
		return Flux.range(1, upTo);
	}

	@Override
	public Stream<Integer> endless(String name) {
		AtomicLong counter = produced.computeIfAbsent(name, (key) -> new AtomicLong());
		return Stream.iterate(1, (i) -> i + 1).peek((i) -> counter.incrementAndGet()).onClose(() -> closed.add(name));
	}

	@Override
	public Flux<Integer> endlessFlux(String name) {
		AtomicLong counter = produced.computeIfAbsent(name, (key) -> new AtomicLong());
		return Flux.generate(() -> 1, (Integer i, reactor.core.publisher.SynchronousSink<Integer> sink) -> {
			counter.incrementAndGet();
			sink.next(i);
			return i + 1;
		}).doOnCancel(() -> closed.add(name));
	}

	@Override
	public Stream<Tick> ticks(int upTo) {
		return IntStream.rangeClosed(1, upTo).mapToObj((n) -> new Tick(n, "tick " + n));
	}

	static final Set<String> interrupted = ConcurrentHashMap.newKeySet();

	@Override
	public Stream<Integer> stall(String name) {
		return Stream.iterate(1, (i) -> i + 1).map((i) -> {
			if (i > 1) {
				try {
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					interrupted.add(name);
					Thread.currentThread().interrupt();
					throw new IllegalStateException(name + " was interrupted");
				}
			}
			return i;
		}).onClose(() -> closed.add(name));
	}

	@Override
	public Stream<Integer> failAfter(int elements) {
		return Stream.iterate(1, (i) -> i + 1).map((i) -> {
			if (i > elements) {
				throw new IllegalStateException("feed broke after " + elements);
			}
			return i;
		});
	}

}
