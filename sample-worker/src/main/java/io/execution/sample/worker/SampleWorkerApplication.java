package io.execution.sample.worker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A worker: offers {@code primes}, {@code inventory} and {@code payments} to callers and runs
 * them on worker pools fed by the queues in {@code application.yml}.
 */
@SpringBootApplication
public class SampleWorkerApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleWorkerApplication.class, args);
	}

}
