package io.execution.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.Set;
import java.util.TreeSet;

import io.execution.ExecutionDefinitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.core.env.Environment;

/**
 * The keys written inside an endpoint's entry ({@code execution.endpoints.<name>.<key>}), which
 * binding alone would ignore when misspelled: a key one or two letters from a setting fails the
 * start naming the setting ("Did you mean execution.endpoints.billing.timeout?"), any other is
 * warned of (it may belong to another version of the starter).
 */
final class EndpointKeys {

	private static final Logger logger = LoggerFactory.getLogger(EndpointKeys.class);

	private static final ConfigurationPropertyName ENDPOINTS = ConfigurationPropertyName.of("execution.endpoints");

	/** The settings of an endpoint, as written in properties ({@code load-balancer}). */
	static final Set<String> KNOWN = known();

	private EndpointKeys() {
	}

	static void check(Environment environment) {
		// Each endpoint's unknown keys, once, in order.
		java.util.Map<String, Set<String>> unknown = new java.util.TreeMap<>();
		ExecutionAutoConfiguration.names(environment, ENDPOINTS)
			.filter((name) -> name.getNumberOfElements() >= 4 && !KNOWN.contains(name.getElement(3, Form.DASHED)))
			.forEach((name) -> unknown.computeIfAbsent(name.getElement(2, Form.ORIGINAL), (endpoint) -> new TreeSet<>())
				.add(name.getElement(3, Form.DASHED)));
		unknown.forEach((endpoint, keys) -> keys.forEach((key) -> {
			String property = "execution.endpoints." + endpoint + "." + key;
			String near = KNOWN.stream().filter((candidate) -> ExecutionServiceRegistrar.close(key, candidate))
				.findFirst()
				.orElse(null);
			if (near != null) {
				throw new ExecutionDefinitionException(property + " is not a setting of an endpoint, so it would be"
						+ " ignored; the settings are " + KNOWN + ".",
						"Did you mean execution.endpoints." + endpoint + "." + near + "? Correct the key.");
			}
			logger.warn("{} is not a setting of an endpoint and is ignored (the settings are {})", property, KNOWN);
		}));
	}

	private static Set<String> known() {
		Set<String> known = new TreeSet<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(ExecutionProperties.Endpoint.class)) {
			if (property.getReadMethod() != null && !"class".equals(property.getName())) {
				known.add(dashed(property.getName()));
			}
		}
		return known;
	}

	private static String dashed(String camel) {
		StringBuilder dashed = new StringBuilder();
		for (char c : camel.toCharArray()) {
			if (Character.isUpperCase(c)) {
				dashed.append('-').append(Character.toLowerCase(c));
			}
			else {
				dashed.append(c);
			}
		}
		return dashed.toString();
	}

}
