package io.execution.limits;

import io.execution.ExecutionClient;

/** Work whose concurrency the tests limit. */
@ExecutionClient("throttled")
public interface Throttled {

	String work(long millis);

}
