package io.execution.executions;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Jobs} and calls it, in whatever mode a test configures. */
@SpringBootApplication
public class JobsApplication {

}
