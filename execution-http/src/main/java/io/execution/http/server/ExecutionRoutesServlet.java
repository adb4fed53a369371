package io.execution.http.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.execution.codec.ErrorCode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The routes under {@code {path}/v1/*} as one servlet of their own: a request passes the
 * application's filters (its security, tracing and metrics among them) but not Spring MVC's
 * dispatching — handler mappings, argument resolvers and message converters cost a third of the
 * server's time per call and serve nothing here, where bodies are bytes the codec made. A path
 * or method the routes do not know is answered with their own JSON error, never an error page;
 * a handler that fails answers {@code internal-error} without a stack trace.
 */
public final class ExecutionRoutesServlet extends HttpServlet {

	private static final long serialVersionUID = 1L;

	private static final Logger logger = LoggerFactory.getLogger(ExecutionRoutesServlet.class);

	private final transient InvocationHttpHandler http;

	private final String base;

	private final transient List<Route> routes;

	private ExecutionRoutesServlet(InvocationHttpHandler http, String base, List<Route> routes) {
		this.http = http;
		this.base = base;
		this.routes = List.copyOf(routes);
	}

	/**
	 * Starts the routes of a base path.
	 * @param http the invocations handler, whose token and error bodies unknown routes share
	 * @param path the base path, {@code /execution} by default
	 * @return a builder
	 */
	public static Builder builder(InvocationHttpHandler http, String path) {
		return new Builder(http, path + "/v1");
	}

	/**
	 * The URL pattern the servlet is mapped to.
	 * @return {@code {path}/v1/*}
	 */
	public String mapping() {
		return this.base + "/*";
	}

	@Override
	protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = request.getPathInfo();
		String method = request.getMethod();
		// HEAD is answered as GET without the body (a load balancer's health check by HEAD, say).
		boolean head = "HEAD".equals(method);
		Set<String> allowed = null;
		for (Route route : this.routes) {
			Map<String, String> variables = route.match(path);
			if (variables == null) {
				continue;
			}
			if (!route.method.equals(method) && !(head && route.method.equals("GET"))) {
				allowed = (allowed != null) ? allowed : new LinkedHashSet<>();
				allowed.add(route.method);
				continue;
			}
			ServerHttpObservationFilter.findObservationContext(request)
				.ifPresent((observation) -> observation.setPathPattern(route.pattern));
			answer(route, new RouteRequest(request, variables), head ? new WithoutBody(response) : response);
			return;
		}
		if (!this.http.authorized(request)) {
			this.http.unauthorized().write(response);
		}
		else if (allowed != null) {
			String allow = allow(allowed);
			if ("OPTIONS".equals(method)) {
				response.setStatus(HttpServletResponse.SC_NO_CONTENT);
				response.setHeader(HttpHeaders.ALLOW, allow);
				return;
			}
			Answer refused = this.http.error(ErrorCode.METHOD_NOT_ALLOWED, null, method + " is not a method of "
					+ this.base + ((path != null) ? path : "") + "; it takes " + allow)
				.header(HttpHeaders.ALLOW, allow);
			refused.write(head ? new WithoutBody(response) : response);
		}
		else {
			this.http.error(ErrorCode.UNKNOWN_ROUTE, null, "No route " + method + " " + this.base
					+ ((path != null) ? path : "") + " (the routes are invocations, executions, capabilities, ping"
					+ " and dead-letters under " + this.base + ")")
				.write(head ? new WithoutBody(response) : response);
		}
	}

	/** The methods a path takes, as {@code Allow} says them: HEAD with GET, and OPTIONS. */
	private static String allow(Set<String> methods) {
		Set<String> allow = new LinkedHashSet<>(methods);
		if (allow.contains("GET")) {
			allow.add("HEAD");
		}
		allow.add("OPTIONS");
		return String.join(", ", allow);
	}

	/** A response to HEAD: the status and headers of GET's, its body dropped. */
	private static final class WithoutBody extends jakarta.servlet.http.HttpServletResponseWrapper {

		private final jakarta.servlet.ServletOutputStream dropped = new jakarta.servlet.ServletOutputStream() {

			@Override
			public boolean isReady() {
				return true;
			}

			@Override
			public void setWriteListener(jakarta.servlet.WriteListener listener) {
				throw new IllegalStateException("A HEAD answer is written blocking");
			}

			@Override
			public void write(int b) {
			}

			@Override
			public void write(byte[] bytes, int offset, int length) {
			}

		};

		WithoutBody(HttpServletResponse response) {
			super(response);
		}

		@Override
		public jakarta.servlet.ServletOutputStream getOutputStream() {
			return this.dropped;
		}

		@Override
		public java.io.PrintWriter getWriter() {
			return new java.io.PrintWriter(java.io.OutputStream.nullOutputStream());
		}

	}

	private void answer(Route route, RouteRequest request, HttpServletResponse response) throws IOException {
		Answer answer;
		try {
			answer = route.handler.apply(request);
		}
		catch (RuntimeException ex) {
			logger.warn("Route {} {} failed", route.method, route.pattern, ex);
			answer = this.http.error(ErrorCode.INTERNAL, null, "The server failed to answer " + route.method + " "
					+ route.pattern);
		}
		answer.write(response);
	}

	/** Collects the routes. */
	public static final class Builder {

		private final InvocationHttpHandler http;

		private final String base;

		private final List<Route> routes = new ArrayList<>();

		private Builder(InvocationHttpHandler http, String base) {
			this.http = http;
			this.base = base;
		}

		/**
		 * Adds a route; the first added is tried first.
		 * @param method the HTTP method
		 * @param pattern the path under {@code {path}/v1}, {@code {name}} for a variable segment
		 * @param handler answers it
		 * @return this builder
		 */
		public Builder route(String method, String pattern, Function<RouteRequest, Answer> handler) {
			this.routes.add(new Route(method, this.base + pattern, pattern, handler));
			return this;
		}

		/**
		 * The servlet.
		 * @return the servlet
		 */
		public ExecutionRoutesServlet build() {
			return new ExecutionRoutesServlet(this.http, this.base, this.routes);
		}

	}

	/** A method and path pattern, and its handler. */
	static final class Route {

		private final String method;

		/** The whole pattern, as observations name the route. */
		private final String pattern;

		/** The segments under the base path; {@code null} names where a variable goes. */
		private final String[] segments;

		private final String[] variables;

		private final Function<RouteRequest, Answer> handler;

		/**
		 * Makes a route.
		 * @param method the HTTP method
		 * @param pattern the whole pattern, for observations
		 * @param relative the pattern under the base path: {@code /} and segments, {@code {name}} for
		 * a variable one
		 * @param handler answers it
		 */
		Route(String method, String pattern, String relative, Function<RouteRequest, Answer> handler) {
			this.method = method;
			this.pattern = pattern;
			this.handler = handler;
			String[] parts = relative.substring(1).split("/");
			this.segments = new String[parts.length];
			this.variables = new String[parts.length];
			for (int i = 0; i < parts.length; i++) {
				if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
					this.variables[i] = parts[i].substring(1, parts[i].length() - 1);
				}
				else {
					this.segments[i] = parts[i];
				}
			}
		}

		/**
		 * Matches the path under the servlet's mapping.
		 * @param path the request's path info, {@code /invocations} for one
		 * @return the variables, or {@code null} when it does not match
		 */
		Map<String, String> match(String path) {
			if (path == null || path.isEmpty() || path.charAt(0) != '/') {
				return null;
			}
			Map<String, String> found = null;
			int position = 1;
			for (int i = 0; i < this.segments.length; i++) {
				if (position > path.length()) {
					return null;
				}
				int end = path.indexOf('/', position);
				end = (end < 0) ? path.length() : end;
				if (this.variables[i] != null) {
					if (end == position) {
						return null;
					}
					found = (found != null) ? found : new HashMap<>(4);
					found.put(this.variables[i], path.substring(position, end));
				}
				else if (end - position != this.segments[i].length()
						|| !path.regionMatches(position, this.segments[i], 0, end - position)) {
					return null;
				}
				position = end + 1;
			}
			if (position != path.length() + 1) {
				return null;
			}
			return (found != null) ? found : Map.of();
		}

	}

}
