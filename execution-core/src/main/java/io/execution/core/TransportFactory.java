package io.execution.core;

/**
 * Makes the {@link Transport} of each endpoint configured with its mode. One bean per mode; the
 * mode's auto-configuration registers it, so adding a mode never touches the dispatcher.
 */
public interface TransportFactory {

	/**
	 * The mode this factory serves, as written in {@code execution.endpoints.<name>.mode}.
	 * @return the mode name, such as {@code local} or {@code queue}
	 */
	String mode();

	/**
	 * Makes the transport of one endpoint. Invalid settings fail here, at start-up, with a
	 * message that names the property to set.
	 * @param endpoint the endpoint
	 * @return its transport
	 */
	Transport create(EndpointDefinition endpoint);

}
