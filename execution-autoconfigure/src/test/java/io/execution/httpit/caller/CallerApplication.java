package io.execution.httpit.caller;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** A caller of {@code billing}, configured per test. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LocalBilling.class)
public class CallerApplication {

}
