package io.execution.autoconfigure;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import io.execution.http.HttpClientCustomizer;
import io.execution.http.HttpClientFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The http transport's JDK clients, made the Spring Boot way: the SSL bundle an endpoint names
 * ({@code spring.ssl.bundle.*}: trusted CAs, the client's own certificate for mutual TLS), and,
 * when {@code spring-boot-http-client} is on the class path, Boot's HTTP client settings
 * ({@code spring.http.clients.*}: its default SSL bundle, proxy selection, address filter) built
 * by Boot's own {@code JdkHttpClientBuilder}. Execution's connect timeout and HTTP version apply
 * on top, then the application's {@link HttpClientCustomizer}s; redirects are never followed.
 */
final class ExecutionHttpClients implements HttpClientFactory {

	private final SslBundles bundles;

	private final Duration connectTimeout;

	private final HttpClient.Version version;

	/** The bundle of endpoints that name none (Boot's spring.http.clients.ssl.bundle), or null. */
	private final SslBundle defaultBundle;

	/** Builds with Boot's other settings (proxy, address filter); null without Boot's module. */
	private final Function<Consumer<HttpClient.Builder>, HttpClient> boot;

	private final List<HttpClientCustomizer> customizers;

	/** The asynchronous clients' executor (virtual threads when the application runs on them), or null. */
	private java.util.concurrent.Executor executor;

	ExecutionHttpClients(SslBundles bundles, Duration connectTimeout, HttpClient.Version version,
			SslBundle defaultBundle, Function<Consumer<HttpClient.Builder>, HttpClient> boot,
			List<HttpClientCustomizer> customizers) {
		this.customizers = customizers;
		this.bundles = bundles;
		this.connectTimeout = connectTimeout;
		this.version = version;
		this.defaultBundle = defaultBundle;
		this.boot = boot;
	}

	/**
	 * Runs the clients' asynchronous stages on this executor instead of the JDK's default pool
	 * of platform threads (a customizer may still set another).
	 * @param executor the executor
	 * @return this factory
	 */
	ExecutionHttpClients executor(java.util.concurrent.Executor executor) {
		this.executor = executor;
		return this;
	}

	@Override
	public HttpClient create(String sslBundle, Consumer<HttpClient.Builder> transport) {
		SslBundle bundle = (sslBundle != null) ? bundle(sslBundle) : this.defaultBundle;
		Consumer<HttpClient.Builder> execution = (builder) -> {
			builder.connectTimeout(this.connectTimeout).version(this.version);
			if (this.executor != null) {
				builder.executor(this.executor);
			}
			if (bundle != null) {
				SSLContext context = bundle.createSslContext();
				builder.sslContext(context).sslParameters(parameters(bundle, context));
			}
			this.customizers.forEach((customizer) -> customizer.customize(builder));
			transport.accept(builder);
		};
		if (this.boot != null) {
			return this.boot.apply(execution);
		}
		HttpClient.Builder builder = HttpClient.newBuilder();
		execution.accept(builder);
		return builder.build();
	}

	/**
	 * The bundle of that name.
	 * @param name the bundle's name
	 * @return the bundle
	 * @throws org.springframework.boot.ssl.NoSuchSslBundleException when there is none
	 */
	SslBundle bundle(String name) {
		if (this.bundles == null) {
			throw new IllegalStateException("SSL bundle '" + name + "' is named but the application has no SslBundles");
		}
		return this.bundles.getBundle(name);
	}

	/**
	 * The ciphers and protocols a bundle restricts the client to, else the context's defaults:
	 * the JDK client offers HTTP/2 only when its parameters name TLS 1.2 or 1.3.
	 */
	private static SSLParameters parameters(SslBundle bundle, SSLContext context) {
		SslOptions options = bundle.getOptions();
		SSLParameters defaults = context.getDefaultSSLParameters();
		SSLParameters parameters = new SSLParameters();
		parameters.setCipherSuites((options.getCiphers() != null) ? options.getCiphers() : defaults.getCipherSuites());
		parameters.setProtocols(
				(options.getEnabledProtocols() != null) ? options.getEnabledProtocols() : defaults.getProtocols());
		return parameters;
	}

}
