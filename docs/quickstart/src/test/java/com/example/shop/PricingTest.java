package com.example.shop;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The application as configured: pricing runs on the worker pool, not on the test's thread. */
@SpringBootTest
class PricingTest {

	@Autowired
	Pricing pricing;

	@Test
	void quotesComeFromTheWorkerPool() throws Exception {
		assertThat(this.pricing.quote("tea", 3).pricedBy()).startsWith("execution-worker-pricing-");
		assertThat(this.pricing.quoteAsync("tea", 2).get().cents()).isEqualTo(500);
	}

}
