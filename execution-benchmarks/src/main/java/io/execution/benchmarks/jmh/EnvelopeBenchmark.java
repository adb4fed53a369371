package io.execution.benchmarks.jmh;

import java.util.concurrent.TimeUnit;

import io.execution.benchmarks.Echo;
import io.execution.codec.EnvelopeCodec;
import io.execution.codec.RequestEnvelope;
import io.execution.core.ClientMethod;
import io.execution.core.Invocation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The envelope's cost per payload size, each way: the caller writes a request, the worker reads
 * it and binds its argument, writes the result, and the caller reads and binds it. Run with
 * {@code -prof gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EnvelopeBenchmark {

	@Param({ "100", "1024", "65536" })
	public int payload;

	private EnvelopeCodec codec;

	private ClientMethod method;

	private Invocation invocation;

	private byte[] request;

	private byte[] result;

	@Setup
	public void prepare() throws NoSuchMethodException {
		JsonMapper mapper = JsonMapper.builder().build();
		this.codec = new EnvelopeCodec(mapper);
		this.method = ClientMethod.of("echo", Echo.class.getMethod("echo", String.class), mapper, true);
		String text = "x".repeat(this.payload);
		this.invocation = Invocation.start(this.method, new Object[] { text }, TimeUnit.SECONDS.toNanos(30));
		this.request = this.codec.encodeRequest(this.invocation);
		this.result = this.codec.encodeSuccess(this.invocation.id(), text);
	}

	@Benchmark
	public byte[] encodeRequest() {
		return this.codec.encodeRequest(this.invocation);
	}

	@Benchmark
	public Object decodeRequestAndBind() {
		RequestEnvelope envelope = this.codec.decodeRequest(this.request);
		return this.method.resultReader().readValue(envelope.args().get(0));
	}

	@Benchmark
	public byte[] encodeResult() {
		return this.codec.encodeSuccess(this.invocation.id(), this.invocation.args()[0]);
	}

	@Benchmark
	public Object readResult() {
		return this.codec.readResult(this.result, this.method);
	}

}
