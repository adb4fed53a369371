package io.execution.limits;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Throttled} and calls it. */
@SpringBootApplication
public class ThrottledApplication {

}
