package io.execution.http;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Makes the JDK {@link HttpClient}s that http endpoints send with: one pair (asynchronous and
 * blocking) per SSL bundle in use, shared by the endpoints that name it. The Spring Boot starter
 * makes them from Boot's HTTP client settings ({@code spring.http.clients.*}) and SSL bundles
 * ({@code spring.ssl.bundle.*}).
 */
@FunctionalInterface
public interface HttpClientFactory {

	/**
	 * Makes a client.
	 * @param sslBundle the name of the SSL bundle the client presents and trusts, or {@code null}
	 * for the default
	 * @param transport what the transport itself needs of the client (no redirects; for the
	 * blocking client, its executor), applied last
	 * @return the client
	 */
	HttpClient create(String sslBundle, Consumer<HttpClient.Builder> transport);

	/**
	 * Clients with the JDK's defaults (its default SSL context and proxy), the given connect
	 * timeout, over HTTP/1.1.
	 * @param connectTimeout how long connecting may take
	 * @return the factory, which knows no SSL bundle
	 */
	static HttpClientFactory of(Duration connectTimeout) {
		return (sslBundle, transport) -> {
			if (sslBundle != null) {
				throw new IllegalArgumentException("No SSL bundle '" + sslBundle + "' is known here");
			}
			HttpClient.Builder builder = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(connectTimeout);
			transport.accept(builder);
			return builder.build();
		};
	}

}
