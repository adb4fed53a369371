package io.execution.autoconfigure;

import java.net.URI;
import java.util.List;

import io.execution.http.HttpDiscovery;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * Finds the instances of a service through Spring Cloud's {@link DiscoveryClient} (Kubernetes,
 * Consul, Eureka, or the simple one of {@code spring.cloud.discovery.client.simple.*}). An
 * instance whose metadata has {@value #PATH} serves the routes under that path, else under
 * {@code /execution}.
 */
final class CloudDiscovery implements HttpDiscovery {

	/** The metadata key of the routes' base path on an instance. */
	static final String PATH = "execution-path";

	private final ObjectProvider<DiscoveryClient> client;

	CloudDiscovery(ObjectProvider<DiscoveryClient> client) {
		this.client = client;
	}

	@Override
	public List<URI> instances(String serviceId) {
		DiscoveryClient client = this.client.getIfAvailable();
		if (client == null) {
			return List.of();
		}
		return client.getInstances(serviceId).stream().map(CloudDiscovery::url).toList();
	}

	private static URI url(ServiceInstance instance) {
		URI uri = instance.getUri();
		String path = (instance.getMetadata() != null) ? instance.getMetadata().get(PATH) : null;
		return (path != null) ? URI.create(uri.toString().replaceAll("/+$", "") + (path.startsWith("/") ? path : "/" + path))
				: uri;
	}

	@Override
	public String describe() {
		return "Spring Cloud's DiscoveryClient";
	}

}
