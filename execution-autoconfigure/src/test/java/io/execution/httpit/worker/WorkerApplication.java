package io.execution.httpit.worker;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A worker instance serving {@code billing} over HTTP. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(BillingService.class)
public class WorkerApplication {

}
