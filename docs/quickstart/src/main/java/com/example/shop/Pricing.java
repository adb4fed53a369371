package com.example.shop;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;

/** The contract: callers inject it, the service below implements it. */
@ExecutionClient("pricing")
public interface Pricing {

	Quote quote(String item, int quantity);

	CompletableFuture<Quote> quoteAsync(String item, int quantity);

	record Quote(String item, int quantity, long cents, String pricedBy) {
	}

}
