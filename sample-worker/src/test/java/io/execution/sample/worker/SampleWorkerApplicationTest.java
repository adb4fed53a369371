package io.execution.sample.worker;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.execution.RemoteExecutionException;
import io.execution.client.ExecutionClientFactory;
import io.execution.sample.worker.api.Inventory;
import io.execution.sample.worker.api.Payments;
import io.execution.sample.worker.api.Primes;
import io.execution.worker.WorkerPools;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker's pools serve its three services; calls here go through its own queues.
 */
@SpringBootTest(properties = { "execution.endpoints.primes.queue=cpu", "execution.endpoints.inventory.queue=io",
		"execution.endpoints.payments.queue=payments", "sample.inventory.latency=1ms" })
class SampleWorkerApplicationTest {

	@Autowired
	ExecutionClientFactory clients;

	@Autowired
	WorkerPools pools;

	@Test
	void servesEachServiceFromItsPool() throws Exception {
		assertThat(this.pools.pools()).extracting("queue").containsExactly("cpu", "io", "payments");
		Primes primes = this.clients.create(Primes.class);
		Primes.PrimeCount count = primes.count(100);
		assertThat(count.count()).isEqualTo(25);
		assertThat(count.largest()).isEqualTo(97);
		assertThat(count.worker()).startsWith("execution-worker-cpu-");
		assertThat(primes.countAsync(10).get(5, TimeUnit.SECONDS).count()).isEqualTo(4);

		Inventory inventory = this.clients.create(Inventory.class);
		assertThat(inventory.lookup(List.of("a", "b"))).extracting(Inventory.Stock::sku).containsExactly("a", "b");

		Payments payments = this.clients.create(Payments.class);
		assertThat(payments.charge(new Payments.Charge("o-1", "4242424242424242", 500)).amountCents()).isEqualTo(500);
		assertThatThrownBy(() -> payments.charge(new Payments.Charge("o-2", Payments.DECLINED_CARD, 500)))
			.isInstanceOf(RemoteExecutionException.class)
			.hasMessageContaining("Card declined for order o-2");
	}

}
