package io.execution.streams;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Feeds} and calls it, in whatever mode a test configures. */
@SpringBootApplication
public class FeedsApplication {

}
