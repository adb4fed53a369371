package com.example.shop;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionService;

/** Runs wherever application.yml says: here it is a worker pool fed by the in-memory queue. */
@ExecutionService
class PricingService implements Pricing {

	@Override
	public Quote quote(String item, int quantity) {
		return new Quote(item, quantity, 250L * quantity, Thread.currentThread().getName());
	}

	@Override
	public CompletableFuture<Quote> quoteAsync(String item, int quantity) {
		return CompletableFuture.completedFuture(quote(item, quantity));
	}

}
