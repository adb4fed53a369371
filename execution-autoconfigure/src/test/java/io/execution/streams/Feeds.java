package io.execution.streams;

import java.util.stream.Stream;

import io.execution.ExecutionClient;
import reactor.core.publisher.Flux;

/** Streams of numbers, finite, endless and failing. */
@ExecutionClient("feeds")
public interface Feeds {

	Stream<Integer> count(int upTo);

	Flux<Integer> countFlux(int upTo);

	Stream<Integer> endless(String name);

	Flux<Integer> endlessFlux(String name);

	Stream<Tick> ticks(int upTo);

	Stream<Integer> failAfter(int elements);

	Stream<Integer> stall(String name);

	record Tick(int n, String label) {
	}

}
