package io.execution.twokeys;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application whose client names two fairness keys on one method. */
@SpringBootApplication
public class TwoKeysApplication {

}
