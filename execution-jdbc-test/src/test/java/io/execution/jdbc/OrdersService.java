package io.execution.jdbc;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionService;

/** The worker's side: confirms an order. */
@ExecutionService
public class OrdersService implements Orders {

	@Override
	public String confirm(String order) {
		return "confirmed " + order;
	}

	@Override
	public CompletableFuture<String> confirmLater(String order) {
		return CompletableFuture.completedFuture(confirm(order));
	}

}
