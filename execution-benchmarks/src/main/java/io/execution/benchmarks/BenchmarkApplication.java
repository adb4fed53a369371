package io.execution.benchmarks;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** The caller and worker applications the harness starts, configured per mode by properties. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(EchoService.class)
public class BenchmarkApplication {

}
