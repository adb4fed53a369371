package io.execution.deadlines;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application with both services; its properties say which runs where. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ FrontService.class, BackService.class })
public class DeadlinesApplication {

}
