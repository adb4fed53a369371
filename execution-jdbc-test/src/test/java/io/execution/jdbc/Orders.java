package io.execution.jdbc;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** What the application calls: placed on the queue {@code orders}. */
@ExecutionClient("orders")
public interface Orders {

	String confirm(String order);

	CompletableFuture<String> confirmLater(String order);

}
