package io.execution.sample.orchestrator;

import io.execution.autoconfigure.ExecutionClientScan;
import io.execution.sample.worker.api.Primes;
import io.execution.sample.worker.services.InventoryService;
import io.execution.sample.worker.services.PaymentsService;
import io.execution.sample.worker.services.PrimesService;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

/**
 * Sends a batch of work through each configured endpoint, prints what it cost, and exits.
 * <p>
 * The worker's contracts live in another package, so it is added to the packages scanned for
 * {@code @ExecutionClient} interfaces (and to no other scanning). The worker's services are imported too: with the
 * embedded defaults of {@code application.yml} they run here, on in-process worker pools fed
 * by the in-memory queue.
 */
@SpringBootApplication
@ExecutionClientScan(basePackageClasses = Primes.class)
@Import({ PrimesService.class, InventoryService.class, PaymentsService.class })
@EnableConfigurationProperties(DemoProperties.class)
public class SampleOrchestratorApplication {

	public static void main(String[] args) {
		ConfigurableApplicationContext context = SpringApplication.run(SampleOrchestratorApplication.class, args);
		if (context.getBean(DemoProperties.class).isExit()) {
			System.exit(SpringApplication.exit(context));
		}
	}

}
