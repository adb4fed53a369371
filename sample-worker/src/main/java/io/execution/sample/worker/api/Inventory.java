package io.execution.sample.worker.api;

import java.util.List;

import io.execution.ExecutionClient;

/** Work that waits on I/O: a stock look-up in a slow store. */
@ExecutionClient("inventory")
public interface Inventory {

	/**
	 * Looks up the stock of some items.
	 * @param skus the items
	 * @return the stock of each, in order
	 */
	List<Stock> lookup(List<String> skus);

	/**
	 * Counts the stock of every warehouse again: the orchestrator's console profile makes it a
	 * recurring call (execution.recurring.calls.stocktake), once a minute across its instances.
	 * @return how many warehouses were counted
	 */
	int stocktake();

	/**
	 * The stock of one item in one warehouse.
	 * @param sku the item
	 * @param warehouse where it is
	 * @param quantity how many are there
	 */
	record Stock(String sku, String warehouse, int quantity) {
	}

}
