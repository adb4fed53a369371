package io.execution.redis;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Lua scripts live as resources: each one reads, its head comments stay out of what Redis
 * gets, its libraries are put in, and Redis compiles every one of them.
 */
class RedisScriptResourcesTest {

	private static List<String> scripts() throws IOException, URISyntaxException {
		Path folder = Path.of(RedisScript.class.getResource("/io/execution/redis/lua/").toURI());
		try (Stream<Path> files = Files.list(folder)) {
			return files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".lua") && !name.endsWith(".lib.lua"))
				.sorted()
				.toList();
		}
	}

	@Test
	void everyScriptIsAResourceWithoutItsHeadCommentsAndWithItsLibraries() throws Exception {
		List<String> names = scripts();
		assertThat(names).hasSizeGreaterThanOrEqualTo(20).contains("submit.lua", "take.lua", "requeue.lua");
		for (String name : names) {
			String source = RedisScript.source(name);
			assertThat(source).as(name).doesNotStartWith("--").doesNotContain("--! include");
		}
		String lanes = RedisScript.source("lanes.lib.lua");
		assertThat(lanes).startsWith("local function stage(");
		assertThat(RedisScript.source("requeue.lua")).startsWith(lanes);
		assertThat(RedisScript.source("ack.lua")).startsWith(RedisScript.source("finish.lib.lua"));
	}

	@Test
	void aMissingScriptSaysWhichOne() {
		assertThatThrownBy(() -> RedisScript.resource("nope.lua", ScriptOutputType.INTEGER))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("/io/execution/redis/lua/nope.lua");
	}

	@Test
	void redisCompilesEveryScript() throws Exception {
		RedisClient client = RedisClient.create(
				"redis://" + TestRedis.shared().host() + ":" + TestRedis.shared().port());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			for (String name : scripts()) {
				RedisScript script = RedisScript.resource(name, ScriptOutputType.INTEGER);
				assertThat(script.load(connection.async()).get()).as(name).hasSize(40);
			}
		}
		finally {
			client.shutdown();
		}
	}

}
