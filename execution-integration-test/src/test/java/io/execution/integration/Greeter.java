package io.execution.integration;

import java.util.stream.Stream;

import io.execution.ExecutionClient;

/** The contract the integration tests call. */
@ExecutionClient("greeter")
public interface Greeter {

	String greet(String name);

	Stream<String> letters(String word);

}
