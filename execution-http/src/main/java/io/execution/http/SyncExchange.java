package io.execution.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.execution.ExecutionRejectedException;
import io.execution.core.DeadlineWatch;

/**
 * The wire under a synchronous call: sends a built request and its body on the calling thread
 * and returns the answer. Everything around it — choosing the instance, breakers, retries,
 * reading the answer — is the transport's one exchange, whichever client carries the bytes.
 * <p>
 * Failures are reported in the JDK client's terms whatever the client: {@link java.net.ConnectException}
 * when no connection could be made, {@link java.net.http.HttpTimeoutException} when the answer
 * did not come within the request's timeout, {@link InterruptedException} when the calling
 * thread was interrupted, and {@link io.execution.ExecutionRejectedException} for an answer over
 * the payload limit.
 */
interface SyncExchange extends AutoCloseable {

	/**
	 * Sends a request and waits for its whole answer.
	 * @param request the request: URL, headers (customizers applied) and timeout
	 * @param body the request's body, as the request carries it
	 * @return the answer
	 * @throws IOException when the exchange failed
	 * @throws InterruptedException when the calling thread was interrupted
	 */
	Answer send(HttpRequest request, byte[] body) throws IOException, InterruptedException;

	/**
	 * Which client carries the bytes, as {@code /actuator/execution} shows it.
	 * @return the client's name
	 */
	String client();

	@Override
	default void close() {
	}

	/**
	 * An answer: its status, its {@code Content-Encoding} (empty when none) and its body.
	 *
	 * @param status the HTTP status
	 * @param contentEncoding the content encoding, or the empty string
	 * @param body the body as received
	 */
	record Answer(int status, String contentEncoding, byte[] body) {
	}

	/**
	 * The exchange of synchronous calls: Apache HttpClient 5 when it is on the classpath and
	 * {@code execution.http.sync-client} is {@code auto}, as Spring Boot's own client detection
	 * prefers it, for an HTTP/1.1 client without an authenticator; the JDK client otherwise.
	 * @param blocking the JDK client of synchronous calls, whose SSL context, parameters, proxy
	 * and connect timeout the Apache client takes over
	 * @param settings the settings: the choice and the payload limit
	 * @param deadlines ends an Apache exchange at its call's deadline (the JDK client's request
	 * timeout does it for the JDK client)
	 * @return the exchange
	 */
	static SyncExchange of(HttpClient blocking, HttpSettings settings, DeadlineWatch deadlines) {
		if (settings.syncClient() == HttpSettings.SyncClient.AUTO && blocking.version() == HttpClient.Version.HTTP_1_1
				&& blocking.authenticator().isEmpty() && apacheOnClasspath()) {
			return new ApacheSyncExchange(blocking, settings.payloadLimit(), deadlines);
		}
		return jdk(blocking, settings.payloadLimit());
	}

	/**
	 * Whether Apache HttpClient 5 is on the classpath, asked before any class that uses it is
	 * loaded.
	 */
	private static boolean apacheOnClasspath() {
		try {
			Class.forName("org.apache.hc.client5.http.impl.classic.HttpClients", false,
					SyncExchange.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * The JDK client's blocking send.
	 * @param client the client
	 * @param payloadLimit the largest answer body accepted
	 * @return the exchange
	 */
	static SyncExchange jdk(HttpClient client, long payloadLimit) {
		return new SyncExchange() {

			@Override
			public Answer send(HttpRequest request, byte[] body) throws IOException, InterruptedException {
				HttpResponse<byte[]> response;
				try {
					response = client.send(request, (info) -> new LimitedBodySubscriber(payloadLimit));
				}
				catch (IOException ex) {
					if (ex.getCause() instanceof ExecutionRejectedException tooLarge) {
						throw tooLarge;
					}
					throw ex;
				}
				return new Answer(response.statusCode(), response.headers().firstValue("Content-Encoding").orElse(""),
						response.body());
			}

			@Override
			public String client() {
				return "jdk";
			}

		};
	}

}
