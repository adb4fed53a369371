package io.execution.sample.worker.services;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import io.execution.ExecutionService;
import io.execution.sample.worker.api.Payments;

/** Charges cards; declines {@link Payments#DECLINED_CARD} and amounts that are not positive. */
@ExecutionService
public class PaymentsService implements Payments {

	@Override
	public Receipt charge(Charge charge) {
		if (DECLINED_CARD.equals(charge.card())) {
			throw new IllegalStateException("Card declined for order " + charge.orderId());
		}
		if (charge.amountCents() <= 0) {
			throw new IllegalArgumentException("Amount must be positive, not " + charge.amountCents());
		}
		String reference = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
		return new Receipt(charge.orderId(), reference, charge.amountCents());
	}

}
