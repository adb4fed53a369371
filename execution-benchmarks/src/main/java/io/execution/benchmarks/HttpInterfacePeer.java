package io.execution.benchmarks;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;

/**
 * The peer of http mode on the same stack: a plain {@code @RestController} called through Spring
 * Framework's {@code @HttpExchange} interface client over {@code RestClient}, on the client a
 * competent Spring user would pick for speed. Measured on 2 cores, 16 callers, 1 KB (calls/s):
 * Apache HttpClient 5 with a pool as large as the callers 5,300; Reactor Netty 4,800; the JDK
 * client with an executor 2,100; {@code new JdkClientHttpRequestFactory()} as is 1,300 (with no
 * executor on the client, Spring writes each request body on a new thread) — so the default is
 * Apache's, and {@code -Dbench.http-client=jdk|jdk-http1|jdk-executor|reactor} runs the others. No
 * breakers, balancing or metrics: the floor http mode is compared with.
 */
final class HttpInterfacePeer {

	private HttpInterfacePeer() {
	}

	/** The client interface. */
	interface EchoHttp {

		@PostExchange("/echo")
		String echo(@RequestBody String payload);

	}

	/** The server side: the controller, in the worker's context. */
	@Configuration(proxyBeanMethods = false)
	static class Server {

		@Bean
		EchoController echoController() {
			return new EchoController();
		}

	}

	@RestController
	static class EchoController {

		@PostMapping("/echo")
		String echo(@RequestBody String payload) {
			return payload;
		}

	}

	static EchoHttp client(String baseUrl) {
		RestClient rest = RestClient.builder()
			.baseUrl(baseUrl)
			.requestFactory(requestFactory(System.getProperty("bench.http-client", "apache")))
			.build();
		return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest)).build().createClient(EchoHttp.class);
	}

	/**
	 * The client under {@code RestClient}: {@code jdk-http1} (the JDK client on HTTP/1.1, what
	 * Execution's http mode uses), {@code jdk} (the JDK client as {@code new
	 * JdkClientHttpRequestFactory()} makes it: HTTP/2 first, which on plain http means an h2c
	 * upgrade attempt per connection), {@code apache} (HttpClient 5 with a pool as large as the
	 * callers: its default of 5 per route would queue them) or {@code reactor} (Reactor Netty).
	 */
	static org.springframework.http.client.ClientHttpRequestFactory requestFactory(String name) {
		return switch (name) {
			case "jdk" -> new JdkClientHttpRequestFactory();
			case "jdk-http1" -> new JdkClientHttpRequestFactory(
					java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build());
			case "jdk-executor" -> new JdkClientHttpRequestFactory(java.net.http.HttpClient.newBuilder()
				.version(java.net.http.HttpClient.Version.HTTP_1_1)
				.executor(java.util.concurrent.Executors.newCachedThreadPool())
				.build());
			case "apache" -> new org.springframework.http.client.HttpComponentsClientHttpRequestFactory(
					org.apache.hc.client5.http.impl.classic.HttpClients.custom()
						.setConnectionManager(org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder
							.create()
							.setMaxConnTotal(256)
							.setMaxConnPerRoute(256)
							.build())
						.build());
			case "reactor" -> new org.springframework.http.client.ReactorClientHttpRequestFactory();
			default -> throw new IllegalArgumentException("bench.http-client: jdk-http1, jdk, apache or reactor, not " + name);
		};
	}

}
