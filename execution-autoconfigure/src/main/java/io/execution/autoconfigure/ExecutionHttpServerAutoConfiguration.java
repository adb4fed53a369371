package io.execution.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import io.execution.async.DefaultExecutions;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.ExecutionTimer;
import io.execution.http.server.ExecutionHttpHandler;
import io.execution.http.server.ExecutionRoutesServlet;
import io.execution.http.server.InvocationHttpHandler;
import io.execution.queue.DeadLetters;
import io.execution.service.ServiceExecutor;
import io.execution.service.ServiceRegistry;
import io.execution.worker.LocalWorker;
import io.execution.worker.WorkerOperationsService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Http mode, the server side: serves this application's services under
 * {@code execution.http.server.path} when {@code execution.http.server.enabled} is true in a
 * servlet web application.
 */
@AutoConfiguration(after = { ExecutionAutoConfiguration.class, ExecutionWorkerAutoConfiguration.class },
		afterName = { "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
				"org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(InvocationHttpHandler.class)
@ConditionalOnProperty(name = "execution.http.server.enabled", havingValue = "true")
public final class ExecutionHttpServerAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ExecutionHttpServerAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	InvocationHttpHandler executionHttpHandler(ExecutionProperties properties, ExecutionHttpProperties http,
			ServiceExecutor executor, ExecutionTimer timer, WorkerOperationsService operations,
			org.springframework.beans.factory.ListableBeanFactory beans) {
		guardedBy(http, beans);
		return new InvocationHttpHandler(executor, http.getAuth().getToken(), http.getPayloadLimit().toBytes(),
				http.getCompression().getThreshold().toBytes(), properties.getDefaultTimeout(),
				http.getServer().getMaxTimeout(), timer.scheduler(), operations);
	}

	/** Says who guards the routes, as it is: the token, the application's Spring Security, or nobody. */
	private static void guardedBy(ExecutionHttpProperties http, org.springframework.beans.factory.ListableBeanFactory beans) {
		String routes = path(http) + "/v1/**";
		boolean chains = org.springframework.util.ClassUtils.isPresent(
				"org.springframework.security.web.SecurityFilterChain", ExecutionHttpServerAutoConfiguration.class.getClassLoader())
				&& beans.getBeanNamesForType(org.springframework.security.web.SecurityFilterChain.class, true, false).length > 0;
		if (StringUtils.hasText(http.getAuth().getToken())) {
			logger.info("Execution's routes at {} are guarded by a bearer token (execution.http.auth.token){}", routes,
					chains ? ", in a Spring Security filter chain of their own ahead of the application's" : "");
		}
		else if (chains) {
			logger.info("Execution's routes at {} are guarded by the application's Spring Security filter chains, as any"
					+ " other path (no execution.http.auth.token is set)", routes);
		}
		else {
			logger.warn("Execution serves this application's services at {} without authentication: set"
					+ " execution.http.auth.token to require a bearer token", routes);
		}
	}

	@Bean
	@ConditionalOnBean(DefaultExecutions.class)
	@ConditionalOnMissingBean
	ExecutionHttpHandler executionHttpExecutionsHandler(ExecutionHttpProperties properties, InvocationHttpHandler http,
			DefaultExecutions executions, ExecutionClientFactory clients) {
		return new ExecutionHttpHandler(http, executions, clients, path(properties));
	}

	/**
	 * The routes as a servlet of their own at {@code {path}/v1/*}: the application's filters (its
	 * security, tracing and metrics) apply as to any path; Spring MVC's dispatching does not.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "executionRoutes")
	ServletRegistrationBean<ExecutionRoutesServlet> executionRoutes(ExecutionHttpProperties properties,
			InvocationHttpHandler handler, ObjectProvider<ExecutionHttpHandler> executions,
			ObjectProvider<DeadLetters> deadLetters) {
		ExecutionRoutesServlet.Builder routes = ExecutionRoutesServlet.builder(handler, path(properties))
			.route("POST", "/invocations", handler::invoke)
			.route("DELETE", "/invocations/{id}", handler::cancel)
			.route("GET", "/capabilities", handler::capabilities)
			.route("GET", "/ping", handler::ping);
		ExecutionHttpHandler started = executions.getIfAvailable();
		if (started != null) {
			routes.route("POST", "/executions", started::start)
				.route("GET", "/executions/{id}", started::status)
				.route("DELETE", "/executions/{id}", started::cancel);
		}
		DeadLetters letters = deadLetters.getIfAvailable();
		if (letters != null) {
			DeadLetterRoutes dead = new DeadLetterRoutes(handler, letters);
			routes.route("GET", "/dead-letters/{queue}", dead::list)
				.route("GET", "/dead-letters/{queue}/{id}", dead::one)
				.route("POST", "/dead-letters/{queue}/{id}/requeue", dead::requeue)
				.route("DELETE", "/dead-letters/{queue}/{id}", dead::delete)
				.route("DELETE", "/dead-letters/{queue}", dead::purge);
		}
		ExecutionRoutesServlet servlet = routes.build();
		ServletRegistrationBean<ExecutionRoutesServlet> registration = new ServletRegistrationBean<>(servlet,
				servlet.mapping());
		registration.setName("executionRoutes");
		return registration;
	}

	/**
	 * This application as a worker of the registry even without worker pools, so that it
	 * advertises the URL of its routes.
	 */
	@Bean
	@ConditionalOnMissingBean
	LocalWorker executionHttpWorker(ExecutionWorkerProperties worker, ServiceRegistry services,
			Environment environment) {
		LocalWorker local = new LocalWorker(null, worker.getTags(), services);
		local.application(environment.getProperty("spring.application.name"));
		return local;
	}

	/**
	 * Advertises the routes' base URL in the worker registry once the server knows its port:
	 * {@code execution.http.server.advertised-url}, else this host's address, the port, the
	 * context path and the routes' path.
	 */
	@Bean
	ApplicationListener<WebServerInitializedEvent> executionAdvertisedUrl(ObjectProvider<LocalWorker> worker,
			ExecutionHttpProperties properties, Environment environment) {
		return (event) -> {
			LocalWorker local = worker.getIfAvailable();
			if (local == null || event.getApplicationContext().getServerNamespace() != null) {
				return; // the management server's, or no worker
			}
			URI configured = properties.getServer().getAdvertisedUrl();
			local.advertise((configured != null) ? configured.toString()
					: advertised(environment, event.getWebServer().getPort(), path(properties)));
		};
	}

	private static String advertised(Environment environment, int port, String path) {
		boolean tls = environment.getProperty("server.ssl.enabled", Boolean.class, true)
				&& (environment.containsProperty("server.ssl.bundle") || environment.containsProperty("server.ssl.key-store")
						|| environment.containsProperty("server.ssl.certificate"));
		String host;
		try {
			host = InetAddress.getLocalHost().getHostAddress();
		}
		catch (UnknownHostException ex) {
			host = "localhost";
		}
		if (host.contains(":")) {
			host = "[" + host + "]";
		}
		String context = environment.getProperty("server.servlet.context-path", "").replaceAll("/+$", "");
		return (tls ? "https" : "http") + "://" + host + ":" + port + context + path;
	}

	private static String path(ExecutionHttpProperties properties) {
		return properties.getServer().getPath().replaceAll("/+$", "");
	}


	/**
	 * With Spring Security and a token: a filter chain of the routes' own, matching
	 * {@code {path}/v1/**} ahead of the application's chains (which stay as they are, Boot's
	 * default one included), in which the bearer token is the authentication — checked as the
	 * routes check it, a missing or wrong one answered with the routes' own 401. Without a token
	 * the application's chains guard the routes as any other path (an OAuth2 resource server's,
	 * for one).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.security.web.SecurityFilterChain")
	@ConditionalOnBean(type = "org.springframework.security.config.annotation.web.builders.HttpSecurity")
	@org.springframework.context.annotation.Conditional(TokenSet.class)
	static class WithSpringSecurity {

		@Bean
		@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 100)
		@ConditionalOnMissingBean(name = "executionSecurityFilterChain")
		org.springframework.security.web.SecurityFilterChain executionSecurityFilterChain(
				org.springframework.security.config.annotation.web.builders.HttpSecurity http,
				ExecutionHttpProperties properties, InvocationHttpHandler routes) throws Exception {
			return ExecutionRoutesSecurity.chain(http, path(properties), routes);
		}

	}

	/**
	 * The library's own requests to the routes (health checks, the warm-up ping, marked by
	 * {@link io.execution.http.HttpTransport#BACKGROUND_HEADER}) are no requests of the
	 * application's: no trace starts for them and {@code http.server.requests} does not count them.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.micrometer.observation.ObservationPredicate",
			"org.springframework.http.server.observation.ServerRequestObservationContext" })
	static class BackgroundRequestsUnobserved {

		@Bean
		io.micrometer.observation.ObservationPredicate executionBackgroundRequestsUnobserved(
				ExecutionHttpProperties properties) {
			String routes = path(properties) + "/v1/";
			return (name, context) -> {
				if (context instanceof org.springframework.http.server.observation.ServerRequestObservationContext request) {
					jakarta.servlet.http.HttpServletRequest servlet = request.getCarrier();
					return servlet == null || servlet.getHeader(io.execution.http.HttpTransport.BACKGROUND_HEADER) == null
							|| !servlet.getRequestURI().startsWith(servlet.getContextPath() + routes);
				}
				return true;
			};
		}

	}

	/** {@code execution.http.auth.token} is set to something. */
	static class TokenSet extends org.springframework.boot.autoconfigure.condition.SpringBootCondition {

		@Override
		public org.springframework.boot.autoconfigure.condition.ConditionOutcome getMatchOutcome(
				org.springframework.context.annotation.ConditionContext context,
				org.springframework.core.type.AnnotatedTypeMetadata metadata) {
			boolean set = StringUtils.hasText(context.getEnvironment().getProperty("execution.http.auth.token"));
			return new org.springframework.boot.autoconfigure.condition.ConditionOutcome(set,
					"execution.http.auth.token " + (set ? "is set" : "is not set"));
		}

	}

}
