package io.execution.autoconfigure;

import java.net.URI;
import java.util.List;
import java.util.Objects;

import io.execution.http.HttpDiscovery;
import io.execution.registry.WorkerInfo;
import io.execution.registry.WorkerRegistry;

/**
 * Finds the instances of a service in the worker registry: the live workers that serve an
 * Execution service of that name over HTTP, at the URL each advertises.
 */
final class RegistryDiscovery implements HttpDiscovery {

	private final WorkerRegistry registry;

	RegistryDiscovery(WorkerRegistry registry) {
		this.registry = registry;
	}

	@Override
	public List<URI> instances(String serviceId) {
		return this.registry.workers()
			.stream()
			.filter((worker) -> !worker.stale() && worker.url() != null)
			.filter((worker) -> worker.services().stream().anyMatch((service) -> service.name().equals(serviceId)))
			.map(WorkerInfo::url)
			.filter(Objects::nonNull)
			.map(RegistryDiscovery::url)
			.filter(Objects::nonNull)
			.toList();
	}

	/** A URL read from Redis: only absolute http(s) URLs are followed. */
	private static URI url(String text) {
		try {
			URI url = URI.create(text);
			String scheme = url.getScheme();
			return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && url.getHost() != null ? url
					: null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String describe() {
		return "the worker registry";
	}

}
