package io.execution.autoconfigure;

import java.util.concurrent.ThreadFactory;

import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * The one decision about the kind of Execution's threads: virtual when the application runs on
 * them ({@code spring.threads.virtual.enabled} on Java 21 or later), else platform threads.
 * Every pool asks here for its factory; the pools themselves come from the
 * {@link io.execution.core.ExecutionTimer} or the worker pools, and end with the context.
 */
final class ExecutionThreads {

	private ExecutionThreads() {
	}

	/**
	 * Virtual threads named {@code <prefix><n>} when the application runs on them.
	 * @param environment the environment
	 * @param prefix the threads' name prefix
	 * @return the factory, or {@code null} for the platform threads the caller makes by default
	 */
	static ThreadFactory virtual(Environment environment, String prefix) {
		return Threading.VIRTUAL.isActive(environment) ? new VirtualThreadTaskExecutor(prefix).getVirtualThreadFactory()
				: null;
	}

}
