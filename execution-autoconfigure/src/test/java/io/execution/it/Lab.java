package io.execution.it;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** The contract the end-to-end tests call, locally or through a queue. */
@ExecutionClient("lab")
public interface Lab {

	String echo(String text);

	int add(int a, int b);

	Order price(Order order);

	List<Order> split(Order order);

	Map<String, Integer> count(List<String> words);

	void record(String event);

	CompletableFuture<String> echoAsync(String text);

	CompletableFuture<Void> recordAsync(String event);

	String fail(String message);

	String sleep(long millis);

	CompletableFuture<String> sleepAsync(long millis);

	String thread();

	record Order(String id, List<Line> lines, double total) {
	}

	record Line(String sku, int quantity, double price) {
	}

}
