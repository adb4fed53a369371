package io.execution.integration;

import java.util.stream.Stream;

import io.execution.ExecutionService;

/** Serves {@link Greeter}. */
@ExecutionService
public class GreeterService implements Greeter {

	@Override
	public String greet(String name) {
		return "hello " + name;
	}

	@Override
	public Stream<String> letters(String word) {
		return word.chars().mapToObj(Character::toString);
	}

}
