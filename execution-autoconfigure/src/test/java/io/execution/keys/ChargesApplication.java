package io.execution.keys;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Charges} and calls it. */
@SpringBootApplication
public class ChargesApplication {

}
