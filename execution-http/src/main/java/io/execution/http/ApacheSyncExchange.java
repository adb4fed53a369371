package io.execution.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Proxy;
import java.net.Socket;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLParameters;

import io.execution.ExecutionRejectedException;
import io.execution.core.DeadlineWatch;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.DefaultHttpClientConnectionOperator;
import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.impl.io.SocketHolder;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.pool.PoolReusePolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Synchronous calls over Apache HttpClient 5's classic client: the request is written and its
 * answer read on the calling thread, where the JDK client hands every exchange to its selector
 * thread and back (measured: about a third less CPU per call).
 * <p>
 * The client is made from the JDK client of synchronous calls, so that what Spring Boot's settings,
 * SSL bundles and {@link HttpClientCustomizer}s gave that one holds here too: its SSL context and
 * parameters, proxy selector and connect timeout. Its sockets are channels' sockets, so that
 * interrupting the calling thread ends its exchange as it ends the JDK client's. The call's
 * deadline ends the exchange through the deadline watch, which closes its connection: a socket
 * read timeout would cover reads only (not a write to an instance that stopped reading), and on
 * Java 17 makes every read of a channel's socket switch it to non-blocking and back. Redirects,
 * automatic retries, cookies and transparent decompression are off: the transport decides those.
 */
final class ApacheSyncExchange implements SyncExchange {

	/** Connections kept per instance: as many as there are synchronous callers, like the JDK client's. */
	private static final int MAX_CONNECTIONS_PER_INSTANCE = 65_536;

	private final CloseableHttpClient client;

	private final long payloadLimit;

	/** Ends an exchange that outlives its call's deadline. */
	private final DeadlineWatch deadlines;

	ApacheSyncExchange(HttpClient jdk, long payloadLimit, DeadlineWatch deadlines) {
		this.payloadLimit = payloadLimit;
		this.deadlines = deadlines;
		SSLParameters ssl = jdk.sslParameters();
		TlsSocketStrategy tls = new DefaultClientTlsStrategy(jdk.sslContext(), ssl.getProtocols(), ssl.getCipherSuites(),
				null, null);
		DefaultHttpClientConnectionOperator operator = new DefaultHttpClientConnectionOperator(
				ApacheSyncExchange::socket, DefaultSchemePortResolver.INSTANCE, SystemDefaultDnsResolver.INSTANCE,
				RegistryBuilder.<TlsSocketStrategy>create().register("https", tls).build());
		PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(operator,
				PoolConcurrencyPolicy.LAX, PoolReusePolicy.LIFO, TimeValue.NEG_ONE_MILLISECOND,
				ProbedConnection::open);
		connections.setDefaultMaxPerRoute(MAX_CONNECTIONS_PER_INSTANCE);
		connections.setMaxTotal(MAX_CONNECTIONS_PER_INSTANCE);
		// A pooled connection is checked before every use, by a read that does not wait: the server
		// may have closed it, and a call sent on it could not tell whether it ran.
		ConnectionConfig.Builder connection = ConnectionConfig.custom()
			.setValidateAfterInactivity(TimeValue.ZERO_MILLISECONDS);
		jdk.connectTimeout().ifPresent((timeout) -> connection.setConnectTimeout(Timeout.of(timeout)));
		connections.setDefaultConnectionConfig(connection.build());
		var builder = HttpClients.custom()
			.setConnectionManager(connections)
			.disableRedirectHandling()
			.disableAutomaticRetries()
			// Connections carry no user state: one authenticated by a client certificate is reused.
			.disableConnectionState()
			.disableCookieManagement()
			.disableContentCompression()
			.disableAuthCaching()
			.disableDefaultUserAgent();
		jdk.proxy().ifPresent((proxies) -> builder.setRoutePlanner(new SystemDefaultRoutePlanner(proxies)));
		this.client = builder.build();
	}

	/** A channel's socket, whose blocking reads and writes end when their thread is interrupted. */
	private static Socket socket(Proxy proxy) throws IOException {
		if (proxy != null && proxy.type() == Proxy.Type.SOCKS) {
			return new Socket(proxy);
		}
		return SocketChannel.open().socket();
	}

	@Override
	public Answer send(HttpRequest request, byte[] body) throws IOException, InterruptedException {
		HttpPost post = new HttpPost(request.uri());
		request.headers().map().forEach((name, values) -> values.forEach((value) -> post.addHeader(name, value)));
		post.setEntity(new ByteArrayEntity(body, null));
		HttpClientContext context = HttpClientContext.create();
		// Every call's request carries what is left of its deadline (HttpTransport sets it).
		Duration timeout = request.timeout()
			.orElseThrow(() -> new IllegalArgumentException("A synchronous exchange needs the call's deadline as the"
					+ " request's timeout"));
		Timeout remaining = Timeout.of(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
		context.setRequestConfig(RequestConfig.custom()
			// No socket timeout: a timed read of a channel's socket makes it non-blocking and back
			// again (four system calls a read on Java 17, and a poll). The deadline watch ends the
			// exchange instead, at the deadline whatever it waits on: a read, a write or the pool.
			.setResponseTimeout(Timeout.DISABLED)
			.setConnectionRequestTimeout(remaining)
			.build());
		try (DeadlineWatch.Watched watched = this.deadlines.watch(System.nanoTime() + timeout.toNanos(), post::cancel)) {
			return exchange(post, context, watched);
		}
	}

	private Answer exchange(HttpPost post, HttpClientContext context, DeadlineWatch.Watched watched)
			throws IOException, InterruptedException {
		ClassicHttpResponse response;
		try {
			response = this.client.executeOpen(null, post, context);
		}
		catch (IOException ex) {
			throw translated(ex, watched);
		}
		try {
			Header encoding = response.getFirstHeader("Content-Encoding");
			byte[] answer = body(response.getEntity());
			if (answer == null) {
				// Closing the response would read the rest of the body, however long: the exchange
				// is cancelled instead, which closes the connection.
				post.cancel();
				throw new ExecutionRejectedException("Response body is larger than the payload limit of "
						+ this.payloadLimit + " bytes (execution.http.payload-limit)");
			}
			return new Answer(response.getCode(), (encoding != null) ? encoding.getValue() : "", answer);
		}
		catch (IOException ex) {
			throw translated(ex, watched);
		}
		finally {
			closeQuietly(response);
		}
	}

	/**
	 * The answer's body, read up to the payload limit, or {@code null} when it is larger: read to
	 * its end, the connection goes back to the pool.
	 */
	private byte[] body(HttpEntity entity) throws IOException {
		if (entity == null) {
			return new byte[0];
		}
		return (entity.getContentLength() <= this.payloadLimit) ? Gzip.Bodies.read(entity.getContent(), this.payloadLimit)
				: null;
	}

	/** Closes a response whose body was read, or whose exchange was cancelled. */
	private static void closeQuietly(ClassicHttpResponse response) {
		try {
			response.close();
		}
		catch (IOException ex) {
			// A cancelled exchange's connection is closed already.
		}
	}

	/**
	 * The failure in the JDK client's terms, which the transport classifies: a timeout when the
	 * deadline watch ended the exchange (it closed the connection under it).
	 */
	private static IOException translated(IOException failure, DeadlineWatch.Watched watched)
			throws InterruptedException {
		if (watched.fired()) {
			HttpTimeoutException timedOut = new HttpTimeoutException("No answer within the call's deadline");
			timedOut.initCause(failure);
			return timedOut;
		}
		if (failure instanceof ClosedByInterruptException || Thread.currentThread().isInterrupted()) {
			InterruptedException interrupted = new InterruptedException("The calling thread was interrupted");
			interrupted.initCause(failure);
			throw interrupted;
		}
		IOException translated;
		if (failure instanceof ConnectTimeoutException) {
			translated = new HttpConnectTimeoutException(failure.getMessage());
		}
		else if (failure instanceof UnknownHostException) {
			translated = new ConnectException(failure.getMessage());
		}
		else if (failure instanceof InterruptedIOException) {
			// A wait for a pooled connection that outlasted the call's deadline (Apache's own timeout).
			translated = new HttpTimeoutException("No answer within the call's deadline: " + failure);
		}
		else {
			return failure;
		}
		translated.initCause(failure);
		return translated;
	}

	@Override
	public String client() {
		return "apache-httpclient5";
	}

	@Override
	public void close() {
		try {
			this.client.close();
		}
		catch (IOException ex) {
			// Closing sockets that are going anyway.
		}
	}

	/**
	 * A connection whose staleness check does not wait (Apache's waits up to 1 ms): an idle
	 * HTTP/1.1 connection has nothing to read, so a byte or the end of the stream, read from its
	 * socket's channel without blocking, means the server closed or broke it. Under TLS the bytes
	 * read are a record the server sent on an idle connection (a close_notify, or rarely a new
	 * session ticket): the connection is then given up, at worst one handshake too many.
	 */
	static final class ProbedConnection extends DefaultManagedHttpClientConnection {

		private static final AtomicLong ids = new AtomicLong();

		private final ByteBuffer probe = ByteBuffer.allocate(1);

		ProbedConnection(String id) {
			super(id);
		}

		static ProbedConnection open(Socket socket) throws IOException {
			ProbedConnection connection = new ProbedConnection("execution-" + ids.incrementAndGet());
			if (socket != null) {
				connection.bind(socket);
			}
			return connection;
		}

		@Override
		public boolean isStale() throws IOException {
			SocketHolder holder = getSocketHolder();
			SocketChannel channel = (holder != null) ? holder.getBaseSocket().getChannel() : null;
			if (channel == null) {
				return super.isStale();
			}
			synchronized (channel.blockingLock()) {
				try {
					channel.configureBlocking(false);
					this.probe.clear();
					return channel.read(this.probe) != 0;
				}
				catch (IOException ex) {
					return true;
				}
				finally {
					if (channel.isOpen()) {
						channel.configureBlocking(true);
					}
				}
			}
		}

	}

}
