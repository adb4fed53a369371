package io.execution.faultrun;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The fault run's caller and worker applications. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TallyService.class)
public class FaultApplication {

}
