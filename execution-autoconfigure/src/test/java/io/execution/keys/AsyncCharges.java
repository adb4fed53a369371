package io.execution.keys;

import java.util.concurrent.CompletableFuture;

import io.execution.ExecutionClient;
import io.execution.FairnessKey;

/** {@link Charges}, called without waiting. */
@ExecutionClient("charges")
public interface AsyncCharges {

	/**
	 * Charges a customer.
	 * @param customer the customer
	 * @param gate the gate, or {@code null}
	 * @return the customer, once charged
	 */
	CompletableFuture<String> charge(@FairnessKey String customer, String gate);

}
