package io.execution.codec;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.RecyclerPool;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The codec keeps the application's mapper's configuration, but not Jackson 3's one shared
 * deque of buffers, which every thread polls and offers to twice a call: a platform thread
 * keeps its own buffers.
 */
class CodecBuffersTest {

	record Money(long cents) {
	}

	private static JsonMapper application() {
		SimpleModule money = new SimpleModule().addSerializer(Money.class, new ValueSerializer<Money>() {
			@Override
			public void serialize(Money value, JsonGenerator json, SerializationContext context) {
				json.writeString(value.cents() / 100 + "." + String.format("%02d", value.cents() % 100) + " EUR");
			}
		});
		return JsonMapper.builder()
			.addModule(money)
			.enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
			.enable(SerializationFeature.INDENT_OUTPUT)
			.build();
	}

	@Test
	void theApplicationsModulesAndFeaturesStay() {
		EnvelopeCodec codec = new EnvelopeCodec(application());
		assertThat(codec.mapper().writeValueAsString(new Money(1250))).isEqualTo("\"12.50 EUR\"");
		assertThat(codec.mapper().readValue("{'a':1}", java.util.Map.class)).containsEntry("a", 1);
		assertThat(codec.mapper().isEnabled(SerializationFeature.INDENT_OUTPUT)).isTrue();
	}

	@Test
	void aPlatformThreadKeepsItsBuffersAndNoOtherThreadSharesThem() throws Exception {
		RecyclerPool<BufferRecycler> pool = new EnvelopeCodec(application()).mapper().tokenStreamFactory()._getRecyclerPool();
		BufferRecycler mine = take(pool);
		assertThat(take(pool)).isSameAs(mine);
		// Another platform thread: the JDK's own for asynchronous tasks.
		BufferRecycler theirs = CompletableFuture.supplyAsync(() -> take(pool)).get(10, TimeUnit.SECONDS);
		assertThat(theirs).isNotSameAs(mine);
		// Released on this thread, the other's buffers do not come back here.
		pool.releasePooled(theirs);
		assertThat(take(pool)).isSameAs(mine);
	}

	@Test
	void theApplicationsMapperItselfIsUntouched() {
		JsonMapper application = application();
		RecyclerPool<BufferRecycler> before = application.tokenStreamFactory()._getRecyclerPool();
		new EnvelopeCodec(application);
		assertThat(application.tokenStreamFactory()._getRecyclerPool()).isSameAs(before);
	}

	private static BufferRecycler take(RecyclerPool<BufferRecycler> pool) {
		BufferRecycler recycler = pool.acquireAndLinkPooled();
		recycler.releaseToPool();
		return recycler;
	}

}
