package io.execution.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The instances of one http endpoint as of now: its configured URLs, and those a discovery
 * source (Spring Cloud's {@code DiscoveryClient}, the worker registry) last found. An instance
 * found again keeps its breaker, health verdict and latency; one no longer found leaves the
 * rotation (calls in flight to it finish).
 */
public final class Instances {

	private final Function<URI, Instance> maker;

	private final String origin;

	private volatile List<Instance> current;

	/**
	 * Makes the set.
	 * @param urls the base URLs at first
	 * @param maker makes the instance of a new URL
	 * @param origin where the instances come from, as a user would look for them (the
	 * properties, the discovery source)
	 */
	public Instances(List<URI> urls, Function<URI, Instance> maker, String origin) {
		this.maker = maker;
		this.origin = origin;
		this.current = List.copyOf(urls.stream().distinct().map(maker).toList());
	}

	/**
	 * The instances now.
	 * @return the instances
	 */
	public List<Instance> list() {
		return this.current;
	}

	/**
	 * Replaces the instances with those at the given URLs, keeping the ones already known.
	 * @param urls the base URLs
	 * @return whether the set changed
	 */
	public synchronized boolean update(List<URI> urls) {
		Map<URI, Instance> known = new LinkedHashMap<>();
		for (Instance instance : this.current) {
			known.put(instance.url(), instance);
		}
		List<Instance> next = new ArrayList<>(urls.size());
		for (URI url : urls.stream().distinct().toList()) {
			Instance instance = known.get(url);
			next.add((instance != null) ? instance : this.maker.apply(url));
		}
		if (next.equals(this.current)) {
			return false;
		}
		this.current = List.copyOf(next);
		return true;
	}

	/**
	 * Where the instances come from.
	 * @return the origin, as a user would look for it
	 */
	public String origin() {
		return this.origin;
	}

	@Override
	public String toString() {
		return this.current.toString();
	}

}
