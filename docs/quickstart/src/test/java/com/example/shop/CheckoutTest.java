package com.example.shop;

import io.execution.ExecutionService;
import io.execution.core.CallStatistics;
import io.execution.test.ExecutionTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every endpoint in the test's JVM (execution.local-only): stock, which another application
 * serves in production, is answered by the test's own @ExecutionService.
 */
@ExecutionTest
class CheckoutTest {

	@Autowired
	Checkout checkout;

	@Autowired
	CallStatistics calls;

	@Test
	void ordersWhatIsInStock() {
		assertThat(this.checkout.order("tea", 3)).isEqualTo("3 x tea = 750 cents");
		assertThat(this.checkout.order("coffee", 1)).isEqualTo("out of stock: coffee");
		assertThat(this.calls.of("stock").calls()).isEqualTo(2);
	}

	@TestConfiguration
	static class Fakes {

		@Bean
		FakeStock stock() {
			return new FakeStock();
		}

	}

	@ExecutionService
	static class FakeStock implements Stock {

		@Override
		public int available(String item) {
			return "tea".equals(item) ? 10 : 0;
		}

	}

}
