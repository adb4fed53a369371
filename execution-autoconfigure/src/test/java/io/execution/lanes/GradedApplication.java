package io.execution.lanes;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Graded} and calls it. */
@SpringBootApplication
public class GradedApplication {

}
