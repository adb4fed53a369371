package com.example.shop;

import org.springframework.stereotype.Component;

/** Calling code: the same whatever mode each service runs in. */
@Component
public class Checkout {

	private final Pricing pricing;

	private final Stock stock;

	Checkout(Pricing pricing, Stock stock) {
		this.pricing = pricing;
		this.stock = stock;
	}

	public String order(String item, int quantity) {
		if (this.stock.available(item) < quantity) {
			return "out of stock: " + item;
		}
		Pricing.Quote quote = this.pricing.quote(item, quantity);
		return quantity + " x " + item + " = " + quote.cents() + " cents";
	}

}
