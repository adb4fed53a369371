package io.execution.http;

import java.net.http.HttpClient;

/**
 * Adjusts the JDK {@link HttpClient}s http endpoints send with (an authenticator, an executor,
 * socket-level settings), after Execution's and Spring Boot's settings and before the transport's
 * own (redirects stay off). Declare beans of this type; they apply in order to every client.
 */
@FunctionalInterface
public interface HttpClientCustomizer {

	/**
	 * Customizes a client's builder.
	 * @param builder the builder
	 */
	void customize(HttpClient.Builder builder);

}
