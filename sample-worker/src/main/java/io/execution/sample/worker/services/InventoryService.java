package io.execution.sample.worker.services;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.execution.ExecutionService;
import io.execution.sample.worker.api.Inventory;

import org.springframework.beans.factory.annotation.Value;

/**
 * Looks stock up in a store that answers after a delay ({@code sample.inventory.latency}), as a
 * remote database would: the worker thread waits, the CPU does not.
 */
@ExecutionService
public class InventoryService implements Inventory {

	private static final String[] WAREHOUSES = { "north", "south", "east" };

	private final Duration latency;

	public InventoryService(@Value("${sample.inventory.latency:5ms}") Duration latency) {
		this.latency = latency;
	}

	@Override
	public List<Stock> lookup(List<String> skus) {
		try {
			Thread.sleep(this.latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Stock look-up interrupted", ex);
		}
		List<Stock> stock = new ArrayList<>(skus.size());
		for (String sku : skus) {
			int hash = Math.abs(sku.hashCode());
			stock.add(new Stock(sku, WAREHOUSES[hash % WAREHOUSES.length], hash % 100));
		}
		return stock;
	}

	@Override
	public int stocktake() {
		lookup(List.of(WAREHOUSES));
		return WAREHOUSES.length;
	}

}
