package io.execution.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import io.execution.ExecutionRejectedException;
import io.execution.codec.Envelope;
import io.execution.codec.EnvelopeCodec;
import io.execution.core.ClientMethod;
import io.execution.core.Invocation;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The caller's side of a stream on a queue: each chunk read grants the worker one more, and a
 * worker that sends past the buffer regardless (one that does not heed grants) has the stream
 * failed, naming why, and its call cancelled, rather than buffered without bound.
 */
class QueuedStreamTest {

	interface Numbers {

		Stream<Integer> count(int upTo);

	}

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final EnvelopeCodec codec = new EnvelopeCodec(this.mapper);

	private Invocation invocation() throws Exception {
		ClientMethod method = ClientMethod.of("numbers", Numbers.class.getMethod("count", int.class), this.mapper, false);
		return Invocation.start(method, new Object[] { 10 }, TimeUnit.SECONDS.toNanos(10));
	}

	@Test
	void eachChunkReadGrantsTheWorkerOneMore() throws Exception {
		Invocation invocation = invocation();
		QueuedStream stream = new QueuedStream(invocation, this.codec, 64);
		CompletableFuture<Envelope> result = new CompletableFuture<>();
		stream.follow(result);
		assertThat(stream.demand().granted()).isEqualTo(StreamDemand.WINDOW);
		List<Long> grants = new ArrayList<>();
		stream.demand().onGrant(grants::add);
		for (int chunk = 0; chunk < 8; chunk++) {
			stream.chunk(this.codec.encodeChunk(List.of(chunk)));
		}
		result.complete(Envelope.of(this.codec.encodeEnd(invocation.id(), 8)));
		List<Object> read = StreamSupport.stream(stream, false).toList();
		assertThat(read).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
		assertThat(stream.demand().granted()).isEqualTo(StreamDemand.WINDOW + 8);
		// Sent on every few chunks read, not each.
		assertThat(grants).containsExactly(StreamDemand.WINDOW + 4L, StreamDemand.WINDOW + 8L);
	}

	@Test
	void aWorkerThatSendsPastTheBufferHasTheStreamFailedAndItsCallCancelled() throws Exception {
		Invocation invocation = invocation();
		QueuedStream stream = new QueuedStream(invocation, this.codec, 4);
		CompletableFuture<Envelope> result = new CompletableFuture<>();
		stream.follow(result);
		for (int chunk = 0; chunk < 5; chunk++) {
			stream.chunk(this.codec.encodeChunk(List.of(chunk)));
		}
		assertThat(result).as("the worker's call").isCancelled();
		List<Object> read = new ArrayList<>();
		assertThatThrownBy(() -> StreamSupport.stream(stream, false).forEach(read::add))
			.isInstanceOf(ExecutionRejectedException.class)
			.hasMessageContaining("fell more than 4 chunks behind the worker");
		// What came within the buffer was read first.
		assertThat(read).containsExactly(0, 1, 2, 3);
	}

	@Test
	void aWorkerWaitsForItsCallersGrantInTheSameJvm() throws Exception {
		StreamDemand demand = new StreamDemand();
		demand.await(StreamDemand.WINDOW);
		Thread worker = new Thread(() -> {
			try {
				demand.await(StreamDemand.WINDOW + 1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		worker.start();
		worker.join(200);
		assertThat(worker.isAlive()).as("waits for the caller").isTrue();
		demand.read();
		worker.join(10_000);
		assertThat(worker.isAlive()).as("goes on once granted").isFalse();
	}

}
