package io.execution.keys;

import io.execution.ExecutionClient;
import io.execution.FairnessKey;

/** Charges per customer, whose concurrency per customer the tests limit. */
@ExecutionClient("charges")
public interface Charges {

	/**
	 * Charges a customer.
	 * @param customer the customer: the call's fairness key
	 * @param gate the gate the charge waits at until the test opens it, or {@code null} to go through
	 * @return the customer
	 */
	String charge(@FairnessKey String customer, String gate);

}
