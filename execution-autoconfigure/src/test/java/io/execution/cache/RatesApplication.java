package io.execution.cache;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application that offers {@link Rates} and calls it. */
@SpringBootApplication
public class RatesApplication {

}
