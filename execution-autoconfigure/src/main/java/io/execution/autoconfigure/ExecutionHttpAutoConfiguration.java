package io.execution.autoconfigure;

import java.util.Map;

import io.execution.autoconfigure.ExecutionProperties.Endpoint;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.ExecutionEvents;
import io.execution.core.ExecutionTimer;
import io.execution.http.CircuitBreakers;
import io.execution.http.HttpEndpointSettings;
import io.execution.http.HttpSettings;
import io.execution.http.HttpTransportFactory;
import io.execution.http.LoadBalancer;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Http mode, the client side: the transport of {@code mode: http} endpoints, guarded by
 * Resilience4j. When the application has its own {@link CircuitBreakerRegistry} or
 * {@link RetryRegistry} (from Resilience4j's Spring Boot 4 starter), breakers and retries named
 * after an endpoint take their settings from {@code resilience4j.*.instances.<endpoint>}.
 */
@AutoConfiguration(before = ExecutionAutoConfiguration.class)
@ConditionalOnClass({ HttpTransportFactory.class, CircuitBreakerRegistry.class, RetryRegistry.class })
public final class ExecutionHttpAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CircuitBreakers executionCircuitBreakers(ExecutionHttpProperties http,
			ObjectProvider<CircuitBreakerRegistry> registry) {
		ExecutionHttpProperties.CircuitBreaker defaults = http.getCircuitBreaker();
		return new CircuitBreakers(registry.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
				defaults.getFailureThreshold(), defaults.getOpenDuration());
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	HttpTransportFactory executionHttpTransportFactory(ExecutionProperties properties, ExecutionHttpProperties http,
			EnvelopeCodec codec,
			CircuitBreakers breakers, ObjectProvider<RetryRegistry> retries, ObjectProvider<ExecutionEvents> events,
			ExecutionTimer timer) {
		HttpSettings settings = new HttpSettings(http.getAuth().getToken(),
				http.getCompression().getThreshold().toBytes(), http.getPayloadLimit().toBytes(),
				http.getHealthCheck().getPath(), http.getHealthCheck().getInterval(), http.getHealthCheck().getTimeout());
		Map<String, Endpoint> endpoints = properties.getEndpoints();
		return new HttpTransportFactory(codec, settings, (name) -> {
			Endpoint endpoint = endpoints.get(name);
			return (endpoint != null) ? new HttpEndpointSettings(endpoint.getUrls(),
					LoadBalancer.Strategy.valueOf(endpoint.getLoadBalancer().name()),
					endpoint.getRetry().getMaxAttempts(), endpoint.getRetry().getInitialBackoff()) : null;
		}, breakers, retries.getIfAvailable(RetryRegistry::ofDefaults), http.getConnectTimeout(),
				ExecutionEventsListeners.of(events), timer);
	}

}
