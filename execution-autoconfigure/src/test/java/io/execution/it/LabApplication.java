package io.execution.it;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;

/** An application with the {@link Lab} service and client, as a user would write it. */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan
public class LabApplication {

}
