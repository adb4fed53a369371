package io.execution.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Http mode: serving this application's services, and calling other instances.
 */
@ConfigurationProperties("execution.http")
public class ExecutionHttpProperties implements Validator {

	private final Server server = new Server();

	private final Auth auth = new Auth();

	private final Compression compression = new Compression();

	private final ExecutionProperties.CircuitBreaker circuitBreaker = new ExecutionProperties.CircuitBreaker();

	private final HealthCheck healthCheck = new HealthCheck();

	private final Discovery discovery = new Discovery();

	/**
	 * The largest body accepted, in either direction (after decompression). A larger
	 * request is refused with 413 without being read whole.
	 */
	private DataSize payloadLimit = DataSize.ofMegabytes(4);

	/**
	 * How long connecting to an instance may take.
	 */
	private Duration connectTimeout = Duration.ofSeconds(2);

	/**
	 * The HTTP version calls ask for: HTTP_1_1, or HTTP_2, which https instances that offer
	 * it (ALPN; server.http2.enabled in Spring Boot) then use; plain http URLs stay on
	 * HTTP/1.1.
	 */
	private java.net.http.HttpClient.Version version = java.net.http.HttpClient.Version.HTTP_1_1;

	/**
	 * The client that carries synchronous calls: auto, Apache HttpClient 5
	 * (org.apache.httpcomponents.client5:httpclient5) when it is on the classpath and the
	 * endpoint speaks HTTP/1.1 (about a third less CPU per call: it reads the answer on the
	 * calling thread), else the JDK client; or jdk, always the JDK client. Futures,
	 * executions, streams and health checks always go over the JDK client.
	 */
	private SyncClient syncClient = SyncClient.AUTO;

	public SyncClient getSyncClient() {
		return this.syncClient;
	}

	public void setSyncClient(SyncClient syncClient) {
		this.syncClient = syncClient;
	}

	public java.net.http.HttpClient.Version getVersion() {
		return this.version;
	}

	public void setVersion(java.net.http.HttpClient.Version version) {
		this.version = version;
	}

	public Server getServer() {
		return this.server;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public Compression getCompression() {
		return this.compression;
	}

	/**
	 * Deprecated: the breaker defaults now apply to every remote endpoint.
	 * @return the defaults set here
	 * @deprecated since 0.1.0, use {@code execution.circuit-breaker.*}
	 */
	@Deprecated(since = "0.1.0")
	@org.springframework.boot.context.properties.DeprecatedConfigurationProperty(
			replacement = "execution.circuit-breaker", reason = "The breaker defaults apply to queue endpoints too")
	public ExecutionProperties.CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public HealthCheck getHealthCheck() {
		return this.healthCheck;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	/**
	 * Endpoints that name a service-id: how their instances are found.
	 */
	public static class Discovery {

		/**
		 * How often the instances of a service are looked up again (DiscoveryClient, worker
		 * registry). An instance found again keeps its breaker and health.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	public DataSize getPayloadLimit() {
		return this.payloadLimit;
	}

	public void setPayloadLimit(DataSize payloadLimit) {
		this.payloadLimit = payloadLimit;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	/**
	 * Serving this application's services over HTTP.
	 */
	public static class Server {

		/**
		 * Whether to serve this application's @ExecutionService beans over HTTP. Off by
		 * default, so that adding the starter never exposes a bean by surprise.
		 */
		private boolean enabled;

		/**
		 * Base path of the routes: {path}/v1/invocations and {path}/v1/capabilities.
		 */
		private String path = "/execution";

		/**
		 * Longest deadline a caller may ask for (the timeoutMs of its request); longer ones are
		 * cut to it, so that no request holds a server thread longer than this.
		 */
		private Duration maxTimeout = Duration.ofMinutes(10);

		/**
		 * The base URL of the routes as other instances reach them, advertised in the worker
		 * registry (Redis backend) for callers whose endpoints name a service-id. Defaults to
		 * http(s)://<this host's address>:<server port><context path><path>.
		 */
		private URI advertisedUrl;

		public URI getAdvertisedUrl() {
			return this.advertisedUrl;
		}

		public void setAdvertisedUrl(URI advertisedUrl) {
			this.advertisedUrl = advertisedUrl;
		}

		public Duration getMaxTimeout() {
			return this.maxTimeout;
		}

		public void setMaxTimeout(Duration maxTimeout) {
			this.maxTimeout = maxTimeout;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * Bearer-token authentication of the HTTP routes.
	 */
	public static class Auth {

		/**
		 * Shared bearer token. When set, the server requires it and clients send it.
		 */
		private String token;

		public String getToken() {
			return this.token;
		}

		public void setToken(String token) {
			this.token = token;
		}

	}

	/**
	 * Gzip compression of bodies.
	 */
	public static class Compression {

		/**
		 * Bodies larger than this are gzip-compressed (requests always, responses when the
		 * caller accepts gzip). Below some tens of kilobytes gzip costs more CPU than it saves
		 * in transfer on a LAN (1 KB bodies, 16 callers: 5,000 calls/s gzipped against 7,200
		 * not); lower it for slow links.
		 */
		private DataSize threshold = DataSize.ofKilobytes(32);

		public DataSize getThreshold() {
			return this.threshold;
		}

		public void setThreshold(DataSize threshold) {
			this.threshold = threshold;
		}

	}

	/**
	 * Active health checks of the instances of http endpoints.
	 */
	public static class HealthCheck {

		/**
		 * Time between checks; 0 to switch them off.
		 */
		private Duration interval = Duration.ofSeconds(5);

		/**
		 * Path checked, below each instance's base URL; any 2xx answer passes.
		 */
		private String path = "/v1/capabilities";

		/**
		 * How long one check may take.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}


	@Override
	public boolean supports(Class<?> type) {
		return ExecutionHttpProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		new SettingChecks(errors).positive("payloadLimit", this.payloadLimit)
			.positive("connectTimeout", this.connectTimeout)
			.positive("server.maxTimeout", this.server.getMaxTimeout())
			.notNegative("compression.threshold", this.compression.getThreshold())
			.atLeast("circuitBreaker.failureThreshold", 1, this.circuitBreaker.getFailureThreshold())
			.positive("circuitBreaker.openDuration", this.circuitBreaker.getOpenDuration())
			.notNegative("healthCheck.interval", this.healthCheck.getInterval())
			.positive("healthCheck.timeout", this.healthCheck.getTimeout())
			.positive("discovery.refreshInterval", this.discovery.getRefreshInterval());
	}

	/**
	 * The client that carries synchronous calls.
	 */
	public enum SyncClient {

		/**
		 * Apache HttpClient 5 when it is on the classpath and the endpoint speaks HTTP/1.1,
		 * else the JDK client.
		 */
		AUTO,

		/**
		 * The JDK client, always.
		 */
		JDK

	}

}
