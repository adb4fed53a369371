package io.execution.aot;

import java.util.List;

import io.execution.ExecutionService;

/** Serves {@link Quotes}. */
@ExecutionService
public class QuotesService implements Quotes {

	@Override
	public Quote quote(Request request) {
		double total = request.quantity() * 2.5;
		return new Quote(request.sku(), List.of(new Line("unit", 2.5), new Line("total", total)), total);
	}

}
