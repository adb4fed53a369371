package io.execution.ticks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application with recurring calls of {@code ticker}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(TickerService.class)
public class TickerApplication {

}
