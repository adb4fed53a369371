package io.execution.retry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A caller or worker of {@code flaky}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(FlakyService.class)
public class RetryApplication {

}
