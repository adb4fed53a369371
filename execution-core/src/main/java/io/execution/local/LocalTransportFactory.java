package io.execution.local;

import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

import io.execution.core.DeadlineWatch;
import io.execution.core.EndpointDefinition;
import io.execution.core.Endpoints;
import io.execution.core.Transport;
import io.execution.core.TransportFactory;
import io.execution.service.ServiceRegistry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the transports of {@code local} endpoints.
 */
public final class LocalTransportFactory implements TransportFactory {

	private final ServiceRegistry services;

	private final JsonMapper mapper;

	private final Executor executor;

	private final DeadlineWatch deadlines;

	private final ScheduledExecutorService holding;

	/**
	 * Makes a factory whose synchronous calls are not held to their deadline.
	 * @param services this application's services
	 * @param mapper converts values between differing declared types
	 * @param executor runs asynchronous calls of synchronous service methods
	 * @deprecated since 0.1.0: a local call past its deadline is timed out as in every mode; use
	 * {@link #LocalTransportFactory(ServiceRegistry, JsonMapper, Executor, DeadlineWatch)}
	 */
	@Deprecated(since = "0.1.0")
	public LocalTransportFactory(ServiceRegistry services, JsonMapper mapper, Executor executor) {
		this(services, mapper, executor, null);
	}

	/**
	 * Makes the factory.
	 * @param services this application's services
	 * @param mapper converts values between differing declared types
	 * @param executor runs asynchronous calls of synchronous service methods
	 * @param deadlines interrupts a synchronous call, which runs on its caller's thread, at its
	 * deadline ({@link io.execution.core.ExecutionTimer#deadlines()})
	 */
	public LocalTransportFactory(ServiceRegistry services, JsonMapper mapper, Executor executor,
			DeadlineWatch deadlines) {
		this(services, mapper, executor, deadlines, null);
	}

	private LocalTransportFactory(ServiceRegistry services, JsonMapper mapper, Executor executor,
			DeadlineWatch deadlines, ScheduledExecutorService holding) {
		this.services = services;
		this.mapper = mapper;
		this.executor = executor;
		this.deadlines = deadlines;
		this.holding = holding;
	}

	/**
	 * This factory, making transports that hold calls due later ({@code startAt},
	 * {@code startAfter}) in this JVM until they are due, as {@code execution.local-only} does
	 * for the tests of an application whose queue endpoints hold them. Without it a local
	 * endpoint refuses calls due later: nothing would keep them past a restart.
	 * @param scheduler the timer that holds them ({@link io.execution.core.ExecutionTimer#scheduler()})
	 * @return a factory whose transports hold calls due later
	 */
	public LocalTransportFactory holdingDueCalls(ScheduledExecutorService scheduler) {
		return new LocalTransportFactory(this.services, this.mapper, this.executor, this.deadlines, scheduler);
	}

	@Override
	public String mode() {
		return Endpoints.LOCAL;
	}

	@Override
	public Transport create(EndpointDefinition endpoint) {
		return new LocalTransport(endpoint.name(), this.services, this.mapper, this.executor, this.deadlines,
				this.holding);
	}

}
