package io.execution.autoconfigure;

import java.util.Map;

import io.execution.autoconfigure.ExecutionProperties.Endpoint;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.resilience.CircuitBreakers;
import io.execution.http.HttpClientCustomizer;
import io.execution.http.HttpClientFactory;
import io.execution.http.HttpDiscovery;
import io.execution.http.HttpEndpointSettings;
import io.execution.http.HttpRequestCustomizer;
import io.execution.http.HttpSettings;
import io.execution.http.HttpTransportFactory;
import io.execution.http.LoadBalancer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.JdkHttpClientBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Http mode, the client side: the transport of {@code mode: http} endpoints, guarded by
 * Resilience4j. Breakers and retries live in the application's {@link CircuitBreakerRegistry} and
 * {@link RetryRegistry} when it has them (Resilience4j's Spring Boot 4 starter), else in registries
 * of their own: those named after an endpoint take {@code resilience4j.*.instances.<endpoint>},
 * the others {@code resilience4j.*.configs.default} when it is set, else Execution's low-traffic
 * defaults ({@code execution.circuit-breaker.*}, {@code execution.endpoints.<name>.retry.*}).
 */
@AutoConfiguration(before = ExecutionAutoConfiguration.class,
		afterName = "org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration")
@ConditionalOnClass({ HttpTransportFactory.class, CircuitBreakerRegistry.class, RetryRegistry.class })
public final class ExecutionHttpAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	HttpTransportFactory executionHttpTransportFactory(ExecutionProperties properties, ExecutionHttpProperties http,
			EnvelopeCodec codec, CircuitBreakers breakers, ObjectProvider<RetryRegistry> retries, ObjectProvider<ExecutionEvents> events,
			ExecutionTimer timer, Environment environment, ObjectProvider<HttpRequestCustomizer> customizers,
			HttpClientFactory clients, ObjectProvider<HttpDiscovery> discovery) {
		HttpSettings settings = new HttpSettings(http.getAuth().getToken(),
				http.getCompression().getThreshold().toBytes(), http.getPayloadLimit().toBytes(),
				http.getHealthCheck().getPath(), http.getHealthCheck().getInterval(), http.getHealthCheck().getTimeout(),
				customizers.orderedStream().toList(), HttpSettings.SyncClient.valueOf(http.getSyncClient().name()));
		Map<String, Endpoint> endpoints = properties.getEndpoints();
		return new HttpTransportFactory(codec, settings, (name) -> {
			Endpoint endpoint = endpoints.get(name);
			if (endpoint == null) {
				return null;
			}
			if (endpoint.getSslBundle() != null && clients instanceof ExecutionHttpClients known) {
				try {
					known.bundle(endpoint.getSslBundle());
				}
				catch (RuntimeException ex) {
					throw new InvalidConfigurationPropertyValueException("execution.endpoints." + name + ".ssl-bundle",
							endpoint.getSslBundle(), "No such SSL bundle: define it under spring.ssl.bundle.pem."
									+ endpoint.getSslBundle() + " (or .jks." + endpoint.getSslBundle() + ")");
				}
			}
			return new HttpEndpointSettings(endpoint.getUrls(),
					LoadBalancer.Strategy.valueOf(endpoint.getLoadBalancer().name()),
					endpoint.getRetry().getMaxAttempts(), endpoint.getRetry().getInitialBackoff(), endpoint.getSslBundle(),
					endpoint.getServiceId());
		}, breakers, retries.getIfAvailable(RetryRegistry::ofDefaults), clients,
				ExecutionEventsListeners.of(events), timer,
				ExecutionAutoConfiguration.keys(environment, "resilience4j.retry.configs.default"),
				discovery.orderedStream().toList(), http.getDiscovery().getRefreshInterval());
	}

	/** Endpoints with a service-id find instances through Spring Cloud's DiscoveryClient. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.client.discovery.DiscoveryClient")
	static class WithDiscoveryClient {

		@Bean
		HttpDiscovery executionCloudDiscovery(
				ObjectProvider<org.springframework.cloud.client.discovery.DiscoveryClient> client) {
			return new CloudDiscovery(client);
		}

	}

	/** The JDK clients, with Boot's HTTP client settings ({@code spring.http.clients.*}). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdkHttpClientBuilder.class)
	static class WithBootHttpClientSettings {

		@Bean
		@ConditionalOnMissingBean
		HttpClientFactory executionHttpClients(ExecutionHttpProperties http, ObjectProvider<SslBundles> bundles,
				ObjectProvider<HttpClientSettings> settings, ObjectProvider<HttpClientCustomizer> customizers,
				Environment environment, io.execution.core.ExecutionTimer timer) {
			HttpClientSettings boot = settings.getIfAvailable(HttpClientSettings::defaults);
			// The SSL bundle (Boot's default one, or the endpoint's) is applied by Execution.
			HttpClientSettings rest = boot.withReadTimeout(null).withSslBundle(null);
			return new ExecutionHttpClients(bundles.getIfAvailable(), http.getConnectTimeout(), http.getVersion(),
					boot.sslBundle(), (execution) -> new JdkHttpClientBuilder().withCustomizer(execution).build(rest),
					customizers.orderedStream().toList())
				.executor(virtualExecutor(environment, timer));
		}

	}

	/** The JDK clients, without Boot's HTTP client module: SSL bundles only. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.boot.http.client.JdkHttpClientBuilder")
	static class WithoutBootHttpClientSettings {

		@Bean
		@ConditionalOnMissingBean
		HttpClientFactory executionHttpClients(ExecutionHttpProperties http, ObjectProvider<SslBundles> bundles,
				ObjectProvider<HttpClientCustomizer> customizers, Environment environment,
				io.execution.core.ExecutionTimer timer) {
			return new ExecutionHttpClients(bundles.getIfAvailable(), http.getConnectTimeout(), http.getVersion(), null,
					null, customizers.orderedStream().toList())
				.executor(virtualExecutor(environment, timer));
		}

	}

	/** Virtual threads for the JDK clients' asynchronous stages when the application runs on them, else none (the JDK's pool). */
	static java.util.concurrent.Executor virtualExecutor(Environment environment, io.execution.core.ExecutionTimer timer) {
		java.util.concurrent.ThreadFactory virtual = ExecutionThreads.virtual(environment, "execution-http-");
		return (virtual != null) ? timer.pool("execution-http", virtual) : null;
	}

	/** Whether the application sets any property under a name (such as a Resilience4j default). */
	static boolean configured(Environment environment, String name) {
		return ExecutionAutoConfiguration.configured(environment, name);
	}

}
