package io.execution.core;

import io.execution.queue.QueueBackend;
import io.github.resilience4j.retry.Retry;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;

/**
 * A probe for {@code ArchitectureTest}: a class of the core that uses Spring Boot, the
 * application context, Resilience4j's retry and a queue type, which the core's rules must each
 * refuse. Test code only.
 */
public final class ArchitectureProbe {

	private ArchitectureProbe() {
	}

	static Object[] reach(ApplicationContext context, Retry retry, QueueBackend backend) {
		return new Object[] { SpringApplication.class, context, retry, backend };
	}

}
