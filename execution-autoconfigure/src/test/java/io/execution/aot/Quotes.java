package io.execution.aot;

import java.util.List;

import io.execution.ExecutionClient;

/** A contract with records both ways, as the AOT-processed application calls it. */
@ExecutionClient("quotes")
public interface Quotes {

	Quote quote(Request request);

	record Request(String sku, int quantity) {
	}

	record Quote(String sku, List<Line> lines, double total) {
	}

	record Line(String label, double amount) {
	}

}
