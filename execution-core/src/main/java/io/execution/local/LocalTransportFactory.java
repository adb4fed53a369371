package io.execution.local;

import java.util.concurrent.Executor;

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

	/**
	 * Makes the factory.
	 * @param services this application's services
	 * @param mapper converts values between differing declared types
	 * @param executor runs asynchronous calls of synchronous service methods
	 */
	public LocalTransportFactory(ServiceRegistry services, JsonMapper mapper, Executor executor) {
		this.services = services;
		this.mapper = mapper;
		this.executor = executor;
	}

	@Override
	public String mode() {
		return Endpoints.LOCAL;
	}

	@Override
	public Transport create(EndpointDefinition endpoint) {
		return new LocalTransport(endpoint.name(), this.services, this.mapper, this.executor);
	}

}
