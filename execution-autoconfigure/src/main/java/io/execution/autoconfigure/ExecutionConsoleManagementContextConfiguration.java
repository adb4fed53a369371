package io.execution.autoconfigure;

import io.execution.actuate.ConsoleEndpoint;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.UrlHandlerFilter;

/**
 * The console's page at its address with a trailing slash ({@code /actuator/console/}), as
 * people type it: redirected to the page, in whichever context serves Actuator (the
 * application's, or the management server's on {@code management.server.port}).
 */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty("execution.console.enabled")
@ConditionalOnAvailableEndpoint(ConsoleEndpoint.class)
class ExecutionConsoleManagementContextConfiguration {

	@Bean
	FilterRegistrationBean<UrlHandlerFilter> executionConsoleTrailingSlash(PathMappedEndpoints endpoints) {
		String page = endpoints.getPath(EndpointId.of("console"));
		FilterRegistrationBean<UrlHandlerFilter> registration = new FilterRegistrationBean<>(
				UrlHandlerFilter.trailingSlashHandler(page + "/").redirect(HttpStatus.FOUND).build());
		registration.addUrlPatterns(page + "/");
		return registration;
	}

}
