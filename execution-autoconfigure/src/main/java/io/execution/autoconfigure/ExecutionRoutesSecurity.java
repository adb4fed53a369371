package io.execution.autoconfigure;

import java.io.IOException;
import java.util.List;

import io.execution.http.server.InvocationHttpHandler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The filter chain of Execution's routes under Spring Security: it matches {@code {path}/v1/**}
 * only, authenticates a request by the bearer token (the same check the routes make) as
 * {@code execution-caller} with the authority {@code EXECUTION_CALLER}, and answers any other
 * with the routes' own 401. Stateless: no session, no CSRF (a bearer token is not sent by a
 * browser on its own), no saved request.
 */
final class ExecutionRoutesSecurity {

	private ExecutionRoutesSecurity() {
	}

	static SecurityFilterChain chain(HttpSecurity http, String path, InvocationHttpHandler routes) throws Exception {
		return http.securityMatcher(path + "/v1/**")
			.authorizeHttpRequests((requests) -> requests.anyRequest().hasAuthority("EXECUTION_CALLER"))
			.addFilterBefore(new TokenFilter(routes), AnonymousAuthenticationFilter.class)
			.exceptionHandling((exceptions) -> exceptions
				.authenticationEntryPoint((request, response, failure) -> refuse(response, routes))
				.accessDeniedHandler((request, response, denied) -> refuse(response, routes)))
			.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.requestCache(AbstractHttpConfigurer::disable)
			.build();
	}

	private static void refuse(HttpServletResponse response, InvocationHttpHandler routes) throws IOException {
		routes.unauthorized().write(response);
	}

	/** The bearer token as the request's authentication. */
	static final class TokenFilter extends OncePerRequestFilter {

		private final InvocationHttpHandler routes;

		private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

		TokenFilter(InvocationHttpHandler routes) {
			this.routes = routes;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if (request.getHeader(HttpHeaders.AUTHORIZATION) != null && this.routes.authorized(request)) {
				SecurityContext context = this.contexts.createEmptyContext();
				context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("execution-caller", null,
						List.of(new SimpleGrantedAuthority("EXECUTION_CALLER"))));
				this.contexts.setContext(context);
			}
			chain.doFilter(request, response);
		}

	}

}
