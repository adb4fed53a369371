package io.execution.jdbc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application as a user writes it: spring-boot-starter-jdbc, the starter, a service and its client. */
@SpringBootApplication
public class OrdersApplication {

}
