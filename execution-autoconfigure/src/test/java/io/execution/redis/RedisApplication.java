package io.execution.redis;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A caller or worker of {@code ledger} and {@code lab} over Redis queues. */
@SpringBootConfiguration
@EnableAutoConfiguration
@org.springframework.boot.autoconfigure.AutoConfigurationPackage(basePackageClasses = { RedisApplication.class, io.execution.it.Lab.class })
@Import({ LedgerService.class, io.execution.it.LabService.class, io.execution.it.SleeperService.class })
public class RedisApplication {

}
