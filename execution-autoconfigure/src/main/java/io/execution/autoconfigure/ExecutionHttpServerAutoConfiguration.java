package io.execution.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import io.execution.async.DefaultExecutions;
import io.execution.client.ExecutionClientFactory;
import io.execution.core.ExecutionTimer;
import io.execution.http.server.ExecutionHttpHandler;
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
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Http mode, the server side: serves this application's services under
 * {@code execution.http.server.path} when {@code execution.http.server.enabled} is true in a
 * servlet web application.
 */
@AutoConfiguration(after = { ExecutionAutoConfiguration.class, ExecutionWorkerAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ InvocationHttpHandler.class, RouterFunction.class })
@ConditionalOnProperty(name = "execution.http.server.enabled", havingValue = "true")
public final class ExecutionHttpServerAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ExecutionHttpServerAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	InvocationHttpHandler executionHttpHandler(ExecutionProperties properties, ExecutionHttpProperties http,
			ServiceExecutor executor, ExecutionTimer timer, WorkerOperationsService operations) {
		if (!StringUtils.hasText(http.getAuth().getToken())) {
			logger.warn("Execution serves this application's services at {} without authentication: set"
					+ " execution.http.auth.token to require a bearer token", http.getServer().getPath());
		}
		return new InvocationHttpHandler(executor, http.getAuth().getToken(), http.getPayloadLimit().toBytes(),
				http.getCompression().getThreshold().toBytes(), properties.getDefaultTimeout(),
				http.getServer().getMaxTimeout(), timer.scheduler(), operations);
	}

	@Bean
	@ConditionalOnBean(DefaultExecutions.class)
	@ConditionalOnMissingBean
	ExecutionHttpHandler executionHttpExecutionsHandler(ExecutionHttpProperties properties, InvocationHttpHandler http,
			DefaultExecutions executions, ExecutionClientFactory clients) {
		return new ExecutionHttpHandler(http, executions, clients, path(properties));
	}

	@Bean
	RouterFunction<ServerResponse> executionRoutes(ExecutionHttpProperties properties, InvocationHttpHandler handler,
			ObjectProvider<ExecutionHttpHandler> executions, ObjectProvider<DeadLetters> deadLetters) {
		String path = path(properties);
		RouterFunctions.Builder routes = RouterFunctions.route()
			.POST(path + "/v1/invocations", handler::invoke)
			.DELETE(path + "/v1/invocations/{id}", handler::cancel)
			.GET(path + "/v1/capabilities", handler::capabilities)
			.GET(path + "/v1/ping", handler::ping);
		ExecutionHttpHandler started = executions.getIfAvailable();
		if (started != null) {
			routes.POST(path + "/v1/executions", started::start)
				.GET(path + "/v1/executions/{id}", started::status)
				.DELETE(path + "/v1/executions/{id}", started::cancel);
		}
		DeadLetters letters = deadLetters.getIfAvailable();
		if (letters != null) {
			DeadLetterRoutes dead = new DeadLetterRoutes(handler, letters);
			routes.GET(path + "/v1/dead-letters/{queue}", dead::list)
				.GET(path + "/v1/dead-letters/{queue}/{id}", dead::one)
				.POST(path + "/v1/dead-letters/{queue}/{id}/requeue", dead::requeue)
				.DELETE(path + "/v1/dead-letters/{queue}/{id}", dead::delete)
				.DELETE(path + "/v1/dead-letters/{queue}", dead::purge);
		}
		return routes.build();
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
	 * With Spring Security, its filter chain would also guard the routes (every call a 401,
	 * whatever the token): when {@code execution.http.auth.token} is set, the routes' own bearer
	 * token check is what guards them, so Spring Security leaves them to it. Without a token the
	 * application's security applies to the routes as to everything else.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebSecurityCustomizer.class)
	static class WithSpringSecurity {

		@Bean
		@ConditionalOnMissingBean(name = "executionWebSecurityCustomizer")
		WebSecurityCustomizer executionWebSecurityCustomizer(ExecutionHttpProperties properties) {
			String token = properties.getAuth().getToken();
			String path = path(properties);
			return (web) -> {
				if (StringUtils.hasText(token)) {
					web.ignoring().requestMatchers(path + "/v1/**");
				}
			};
		}

	}

}
