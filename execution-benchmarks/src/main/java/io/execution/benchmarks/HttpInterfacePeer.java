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
 * Framework's {@code @HttpExchange} interface client over {@code RestClient} with the JDK
 * {@code HttpClient}. No breakers, balancing or metrics: the floor http mode is compared with.
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
			.requestFactory(new JdkClientHttpRequestFactory())
			.build();
		return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest)).build().createClient(EchoHttp.class);
	}

}
