package io.execution.autoconfigure;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read from the jar: every key of an endpoint
 * ({@code execution.endpoints.<name>.*}, which the processor cannot expand from the map) is
 * listed, in step with {@link ExecutionProperties.Endpoint}; every property has a description.
 */
class ConfigurationMetadataTest {

	private static JsonNode metadata() throws Exception {
		try (InputStream in = ConfigurationMetadataTest.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

	private static Set<String> names(JsonNode metadata) {
		Set<String> names = new java.util.TreeSet<>();
		metadata.path("properties").forEach((property) -> names.add(property.path("name").asString()));
		return names;
	}

	@Test
	void everyKeyOfAnEndpointIsListed() throws Exception {
		Set<String> names = names(metadata());
		List<String> expected = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(ExecutionProperties.Endpoint.class)) {
			if (property.getName().equals("class")) {
				continue;
			}
			if (property.getPropertyType() == ExecutionProperties.Retry.class) {
				for (PropertyDescriptor retry : BeanUtils.getPropertyDescriptors(ExecutionProperties.Retry.class)) {
					if (retry.getWriteMethod() != null) {
						expected.add("execution.endpoints.*.retry." + kebab(retry.getName()));
					}
				}
			}
			else if (property.getWriteMethod() != null) {
				expected.add("execution.endpoints.*." + kebab(property.getName()));
			}
		}
		assertThat(expected).hasSizeGreaterThanOrEqualTo(10);
		assertThat(names).containsAll(expected);
		assertThat(names.stream().filter((name) -> name.startsWith("execution.endpoints.*.")).collect(Collectors.toSet()))
			.as("no key listed that does not bind")
			.containsExactlyInAnyOrderElementsOf(expected);
	}

	@Test
	void everyPropertyIsDescribed() throws Exception {
		List<String> undescribed = new ArrayList<>();
		metadata().path("properties").forEach((property) -> {
			if (property.path("name").asString().startsWith("execution.")
					&& property.path("description").asString("").isBlank()) {
				undescribed.add(property.path("name").asString());
			}
		});
		assertThat(undescribed).isEmpty();
	}

	@Test
	void modesAndBalancersHaveValueHints() throws Exception {
		List<String> hinted = new ArrayList<>();
		metadata().path("hints").forEach((hint) -> hinted.add(hint.path("name").asString()));
		assertThat(hinted).contains("execution.endpoints.*.mode", "execution.endpoints.*.load-balancer");
	}

	private static String kebab(String name) {
		return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
	}

}
