package io.execution.sample.worker.api;

import io.execution.ExecutionClient;

/** Work that fails on demand: a charge on the card {@value #DECLINED_CARD} is declined. */
@ExecutionClient("payments")
public interface Payments {

	/** The card number whose charges are always declined. */
	String DECLINED_CARD = "4000000000000002";

	/**
	 * Charges a card.
	 * @param charge what to charge
	 * @return the receipt
	 * @throws IllegalStateException (as a {@code RemoteExecutionException} to callers) when the card is declined
	 */
	Receipt charge(Charge charge);

	/**
	 * A charge.
	 * @param orderId the order paid for
	 * @param card the card number
	 * @param amountCents the amount, in cents
	 */
	record Charge(String orderId, String card, long amountCents) {
	}

	/**
	 * A receipt.
	 * @param orderId the order paid for
	 * @param reference the payment reference
	 * @param amountCents the amount charged, in cents
	 */
	record Receipt(String orderId, String reference, long amountCents) {
	}

}
