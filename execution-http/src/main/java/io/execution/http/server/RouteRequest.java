package io.execution.http.server;

import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A request to one of the routes, with the variables its path pattern matched.
 *
 * @param servletRequest the request
 * @param variables the path variables by name ({@code id} in {@code /executions/{id}})
 */
public record RouteRequest(HttpServletRequest servletRequest, Map<String, String> variables) {

	/**
	 * A path variable of the route's pattern.
	 * @param name its name
	 * @return its value, decoded
	 */
	public String pathVariable(String name) {
		String value = this.variables.get(name);
		if (value == null) {
			throw new IllegalArgumentException("The route has no path variable '" + name + "'");
		}
		return value;
	}

	/**
	 * A query parameter.
	 * @param name its name
	 * @return its first value, if given
	 */
	public Optional<String> param(String name) {
		return Optional.ofNullable(this.servletRequest.getParameter(name));
	}

}
