package io.execution.http.server;

import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routes' path matching, fed whatever a client sends: it never throws, takes a path only
 * when every literal segment is there and every variable has a value, and hands the variables
 * back as they were sent.
 */
class RouteMatchTest {

	private static final ExecutionRoutesServlet.Route LETTER = new ExecutionRoutesServlet.Route("GET",
			"/execution/v1/dead-letters/{queue}/{id}", "/dead-letters/{queue}/{id}", (request) -> null);

	private static final ExecutionRoutesServlet.Route PING = new ExecutionRoutesServlet.Route("GET",
			"/execution/v1/ping", "/ping", (request) -> null);

	@Provide
	Arbitrary<String> segments() {
		return Arbitraries.strings().ofMinLength(1).ofMaxLength(40).filter((segment) -> segment.indexOf('/') < 0);
	}

	@Property
	void anyPathIsTakenOrRefusedNeverAFailure(@ForAll String path) {
		for (String candidate : new String[] { path, "/" + path, "/dead-letters/" + path, "/ping" + path }) {
			Map<String, String> variables = LETTER.match(candidate);
			if (variables != null) {
				assertThat(candidate).startsWith("/dead-letters/");
				assertThat(variables).containsOnlyKeys("queue", "id");
				assertThat(variables.values()).allSatisfy((value) -> assertThat(value).isNotEmpty().doesNotContain("/"));
			}
			Map<String, String> none = PING.match(candidate);
			if (none != null) {
				assertThat(candidate).isEqualTo("/ping");
				assertThat(none).isEmpty();
			}
		}
	}

	@Property
	void theVariablesComeBackAsSent(@ForAll("segments") String queue, @ForAll("segments") String id) {
		assertThat(LETTER.match("/dead-letters/" + queue + "/" + id)).containsExactlyInAnyOrderEntriesOf(
				Map.of("queue", queue, "id", id));
		assertThat(LETTER.match("/dead-letters/" + queue + "/" + id + "/")).isNull();
		assertThat(LETTER.match("/dead-letters/" + queue + "/" + id + "/requeue")).isNull();
		assertThat(LETTER.match("/dead-letters/" + queue + "//" + id)).isNull();
		assertThat(LETTER.match("/dead-letter/" + queue + "/" + id)).isNull();
		assertThat(LETTER.match("/dead-letters/" + queue)).isNull();
	}

	@Property
	void aLiteralSegmentMatchesOnlyItself(@ForAll("segments") String segment) {
		assertThat(PING.match("/" + segment)).isEqualTo(segment.equals("ping") ? Map.of() : null);
		assertThat(PING.match(segment)).isNull();
	}

}
