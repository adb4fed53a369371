package io.execution.lifecycle;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A worker of {@link Whereabouts}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(WhereaboutsService.class)
public class WhereaboutsApplication {

}
