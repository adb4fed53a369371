package io.execution.ops;

import io.execution.httpit.caller.Billing;
import io.execution.it.Lab;
import io.execution.it.LabService;
import io.execution.it.SleeperService;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application an operator watches: a Redis worker pool, a queue client and an http client. */
@SpringBootConfiguration
@EnableAutoConfiguration
@AutoConfigurationPackage(basePackageClasses = { OpsApplication.class, Lab.class, Billing.class })
@Import({ LabService.class, SleeperService.class })
public class OpsApplication {

}
