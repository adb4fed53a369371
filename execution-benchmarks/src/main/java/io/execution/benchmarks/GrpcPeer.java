package io.execution.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

/**
 * The {@code grpc} peer: gRPC-java unary calls over Netty (loopback, plaintext, HTTP/2), what
 * users pick for service-to-service calls when they care about speed. The message is the
 * payload's UTF-8 bytes (a protobuf {@code string} field costs the same copy and a tag), the
 * service echoes it with {@link EchoService}; one channel shared by every caller (gRPC
 * multiplexes calls on its HTTP/2 connection), the server's default executor, no interceptors.
 * A competent user's setup, nothing tuned away from the defaults.
 */
final class GrpcPeer implements AutoCloseable {

	private static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {

		@Override
		public InputStream stream(String value) {
			return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String parse(InputStream stream) {
			try {
				return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	};

	private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
		.setType(MethodDescriptor.MethodType.UNARY)
		.setFullMethodName(MethodDescriptor.generateFullMethodName("bench.Echo", "Echo"))
		.setRequestMarshaller(UTF8)
		.setResponseMarshaller(UTF8)
		.build();

	private final Server server;

	private final ManagedChannel channel;

	GrpcPeer() throws IOException {
		EchoService service = new EchoService();
		this.server = NettyServerBuilder.forPort(0)
			.addService(ServerServiceDefinition.builder("bench.Echo")
				.addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
					response.onNext(service.echo(request));
					response.onCompleted();
				}))
				.build())
			.build()
			.start();
		this.channel = NettyChannelBuilder.forAddress("127.0.0.1", this.server.getPort()).usePlaintext().build();
	}

	UnaryOperator<String> call() {
		return (payload) -> ClientCalls.blockingUnaryCall(this.channel, ECHO, CallOptions.DEFAULT, payload);
	}

	@Override
	public void close() throws InterruptedException {
		this.channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		this.server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
	}

}
