package io.execution.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.execution.async.Execution;
import io.execution.async.ExecutionStatus;
import io.execution.actuate.ConsoleSnapshots;
import io.execution.async.Executions;
import io.execution.console.ConsoleApplication.Chores;
import io.execution.queue.DeadLetters;
import io.execution.worker.WorkerPools;
import org.htmlunit.BrowserVersion;
import org.htmlunit.DefaultCredentialsProvider;
import org.htmlunit.WebClient;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.HtmlPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a headless browser with JavaScript on (HtmlUnit), against a running
 * application with the management security a team would write: an operator sees the endpoints
 * with their traffic, drains and resumes the pool, cancels an execution and requeues a dead
 * letter, and sees each change on the page; a viewer sees no action and a forged write is
 * refused; the read-only property offers no action to anyone.
 */
class ConsoleTest {

	private ConfigurableApplicationContext app;

	private WebClient browser;

	private final AtomicBoolean traffic = new AtomicBoolean(true);

	@AfterEach
	void close() {
		this.traffic.set(false);
		if (this.browser != null) {
			this.browser.close();
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	private ConfigurableApplicationContext start(String... more) {
		this.app = new SpringApplicationBuilder(ConsoleApplication.class)
			.properties("server.port=0", "spring.main.banner-mode=off", "execution.console.enabled=true",
					"execution.console.refresh-interval=200ms", "management.endpoints.web.exposure.include=console,health",
					"execution.endpoints.chores.queue=chores", "execution.worker.enabled=true",
					"execution.worker.queues=chores", "execution.worker.concurrency=2",
					"execution.worker.shutdown-grace-period=100ms")
			.properties(more)
			.run();
		return this.app;
	}

	private String url(String path) {
		return "http://localhost:" + this.app.getEnvironment().getProperty("local.server.port") + path;
	}

	private HtmlPage open(String user, String password) throws Exception {
		return open(user, password, "/actuator/console");
	}

	private HtmlPage open(String user, String password, String path) throws Exception {
		if (this.browser == null) {
			this.browser = new WebClient(BrowserVersion.CHROME);
			this.browser.getOptions().setThrowExceptionOnScriptError(true);
			this.browser.getOptions().setCssEnabled(false);
			DefaultCredentialsProvider credentials = new DefaultCredentialsProvider();
			credentials.addCredentials(user, password.toCharArray());
			this.browser.setCredentialsProvider(credentials);
		}
		HtmlPage page = this.browser.getPage(url(path));
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			this.browser.waitForBackgroundJavaScript(100);
			return "true".equals(page.getBody().getAttribute("data-ready"));
		});
		return page;
	}

	private void waitFor(HtmlPage page, java.util.function.BooleanSupplier condition) {
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			this.browser.waitForBackgroundJavaScript(50);
			return condition.getAsBoolean();
		});
	}

	private static DomElement row(HtmlPage page, String attribute, String value) {
		return find(page, "tr[" + attribute + "=\"" + value + "\"]");
	}

	private static DomElement find(org.htmlunit.html.DomNode node, String selector) {
		DomElement found = node.querySelector(selector, node);
		return found;
	}

	/** The text of what the selector finds, {@code null} while the node or it is not there (a table re-rendered). */
	private static String text(org.htmlunit.html.DomNode node, String selector) {
		DomElement found = (node != null) ? find(node, selector) : null;
		return (found != null) ? found.getTextContent() : null;
	}

	private static void click(org.htmlunit.html.DomNode node, String selector) throws java.io.IOException {
		find(node, selector).click();
	}

	/** Answers the page's question before an action with yes, once it is asked. */
	private void confirm(HtmlPage page) throws java.io.IOException {
		waitFor(page, () -> !find(page, "#confirm").hasAttribute("hidden"));
		click(page, "#confirm button[data-confirm=yes]");
	}

	private static List<DomElement> actions(HtmlPage page) {
		return page.querySelectorAll("button[data-action]", page).stream()
			.map(DomElement.class::cast)
			.filter((button) -> !"inspect".equals(button.getAttribute("data-action")))
			.filter((button) -> button.getAttribute("data-confirm").isEmpty())
			.toList();
	}

	private void keepCalling(Chores chores) {
		CompletableFuture.runAsync(() -> {
			int i = 0;
			while (this.traffic.get()) {
				chores.run("quick-" + i++, 0);
			}
		});
	}

	@Test
	void anOperatorWatchesTheTrafficDrainsAndResumesCancelsAndRequeues() throws Exception {
		start();
		Chores chores = this.app.getBean(Chores.class);
		Executions executions = this.app.getBean(Executions.class);
		keepCalling(chores);
		HtmlPage page = open("ops", "ops-secret");

		// Overview: the endpoint, its mode and live traffic.
		waitFor(page, () -> row(page, "data-endpoint", "chores") != null
				&& Double.parseDouble(text(row(page, "data-endpoint", "chores"), "td.calls")) > 0);
		assertThat(row(page, "data-endpoint", "chores").getTextContent()).contains("queue");
		assertThat(page.querySelectorAll("tr[data-endpoint=\"chores\"] svg.spark", page)).hasSize(3);
		this.traffic.set(false);

		// Executions: a long one is cancelled from the page, and the page shows it.
		Execution<String> slow = executions.start(() -> chores.run("slow", 60_000));
		await().atMost(Duration.ofSeconds(10)).until(() -> slow.status() == ExecutionStatus.RUNNING);
		click(page, "nav a[data-view=executions]");
		waitFor(page, () -> row(page, "data-execution", slow.id()) != null);
		assertThat(text(row(page, "data-execution", slow.id()), "td .status")).isEqualTo("RUNNING");
		click(row(page, "data-execution", slow.id()), "button[data-action=cancel]");
		confirm(page);
		waitFor(page, () -> "CANCELLED".equals(text(row(page, "data-execution", slow.id()), "td .status")));
		assertThat(slow.status()).isEqualTo(ExecutionStatus.CANCELLED);

		// Workers: draining the pool from the page leaves a running call past its grace as a dead letter.
		Execution<String> doomed = executions.start(() -> chores.run("doomed", 60_000));
		await().atMost(Duration.ofSeconds(10)).until(() -> doomed.status() == ExecutionStatus.RUNNING);
		click(page, "nav a[data-view=workers]");
		waitFor(page, () -> find(page, "button[data-action=drain]") != null);
		// Each pool with its latency and the share of its calls answered.
		assertThat(text(page, "tr[data-worker] td:nth-child(3)")).containsPattern("chores \\d+/\\d+ · p50 .+ · p99 .+ · .+ % ok");
		click(page, "button[data-action=drain]");
		confirm(page);
		waitFor(page, () -> find(page, "button[data-action=resume]") != null);
		assertThat(text(page, "td.worker-state")).isEqualTo("draining");
		DeadLetters deadLetters = this.app.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count("chores") == 1);
		click(page, "button[data-action=resume]");
		waitFor(page, () -> find(page, "button[data-action=drain]") != null);
		assertThat(this.app.getBean(WorkerPools.class).isRunning()).isTrue();

		// Dead letters: requeued from the page, it leaves the list and runs to the end.
		click(page, "nav a[data-view=deadletters]");
		String letter = deadLetters.list("chores", 0, 1).get(0).id();
		waitFor(page, () -> row(page, "data-deadletter", letter) != null);
		assertThat(row(page, "data-deadletter", letter).getTextContent()).contains("chores.run");
		click(row(page, "data-deadletter", letter), "button[data-action=requeue]");
		confirm(page);
		waitFor(page, () -> row(page, "data-deadletter", letter) == null);
		await().atMost(Duration.ofSeconds(10)).until(() -> doomed.status() == ExecutionStatus.SUCCEEDED);
		assertThat(doomed.await(Duration.ofSeconds(1))).isEqualTo("done doomed");
	}

	/**
	 * The page opened cold (a new browser, as after a reload or from a shared link) at an
	 * address with a trailing slash and an item shows that item; each view follows what changes
	 * without a click; a worker's landing page says what it serves.
	 */
	@Test
	void everyViewStaysLiveAndEveryItemHasAnAddress() throws Exception {
		start("spring.application.name=chores-app");
		Chores chores = this.app.getBean(Chores.class);
		Executions executions = this.app.getBean(Executions.class);
		for (int i = 0; i < 3; i++) {
			chores.run("early-" + i, 0);
		}
		// With no page open, the console samples on: the charts open with history.
		ConsoleSnapshots snapshots = this.app.getBean(ConsoleSnapshots.class);
		await().atMost(Duration.ofSeconds(20)).until(() -> history(snapshots) >= 5);

		HtmlPage page = open("ops", "ops-secret", "/actuator/console/");
		// The landing page: counters, what this worker serves, its pools.
		// Waited for whole: the page's JavaScript rebuilds the counters each interval, beside this read.
		waitFor(page, () -> "3".equals(text(page, "[data-counter=succeeded] b"))
				&& String.valueOf(text(page, "#counters")).contains("dead letters"));
		assertThat(text(page, "#counters")).contains("queued").contains("running");
		assertThat(text(row(page, "data-served", "chores"), "td:nth-child(3)")).isEqualTo("3");
		assertThat(text(row(page, "data-pool", "chores"), "td:nth-child(3)")).isEqualTo("taking work");
		assertThat(find(page, "tr[data-endpoint=\"chores\"] svg.spark polyline").getAttribute("points").split(" "))
			.hasSizeGreaterThanOrEqualTo(5);

		// Executions, live: one started after the page opened appears, runs and ends without a click.
		page.executeJavaScript("location.hash = '#executions'");
		Execution<String> job = executions.start(() -> chores.run("live-job", 1_500));
		waitFor(page, () -> "RUNNING".equals(text(row(page, "data-execution", job.id()), "td .status")));
		waitFor(page, () -> "SUCCEEDED".equals(text(row(page, "data-execution", job.id()), "td .status")));
		assertThat(text(row(page, "data-execution", job.id()), "td.took")).startsWith("ran ");
		// Local time to the second: no ISO-8601 'T', no zone letter, no nanoseconds.
		assertThat(text(row(page, "data-execution", job.id()), "td.created")).doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT")
			.doesNotContain("Z")
			.doesNotContainPattern("\\.\\d{4,}");

		// An execution retried after a failure: its row counts the retry, its timeline shows the attempt.
		Execution<String> retried = executions.start(() -> chores.failOnce("retried"));
		assertThat(retried.await(Duration.ofSeconds(20))).isEqualTo("done retried");
		HtmlPage attempts = reopen("/actuator/console#executions/" + retried.id());
		waitFor(attempts, () -> find(attempts, "#execution-detail .steps .attempt") != null);
		assertThat(text(attempts, "#execution-detail .steps .attempt")).contains("attempt 1 failed")
			.contains("first run of retried fails")
			.contains("attempt 2 due");
		waitFor(attempts, () -> String.valueOf(text(row(attempts, "data-execution", retried.id()), "td .attempts")).contains("1 retry"));

		// The execution's own address, opened cold: its detail with a timeline and its result as JSON.
		HtmlPage item = reopen("/actuator/console#executions/" + job.id());
		waitFor(item, () -> !find(item, "#execution-detail").hasAttribute("hidden")
				&& find(item, "#execution-detail .timeline") != null);
		assertThat(text(item, "#execution-detail .steps")).contains("created").contains("started").contains("SUCCEEDED");
		assertThat(text(item, "#execution-detail pre")).contains("\"result\": \"done live-job\"");
		assertThat(item.querySelector("nav a.current").getTextContent()).isEqualTo("Executions");

		// A stale Cancel: the execution ends between the button and the answer, and the page says so.
		Execution<String> ending = executions.start(() -> chores.run("ending", 60_000));
		waitFor(item, () -> find(item, "tr[data-execution=\"" + ending.id() + "\"] button[data-action=cancel]") != null);
		click(row(item, "data-execution", ending.id()), "button[data-action=cancel]");
		ending.cancel();
		await().atMost(Duration.ofSeconds(10)).until(() -> ending.status() == ExecutionStatus.CANCELLED);
		confirm(item);
		waitFor(item, () -> String.valueOf(text(item, "#notice")).contains("had already ended (CANCELLED)"));

		// Workers: named by application and host; drained, the queue shows as not served.
		HtmlPage workers = reopen("/actuator/console#workers");
		waitFor(workers, () -> find(workers, "tr[data-worker] td.worker-name") != null);
		assertThat(text(workers, "tr[data-worker] td.worker-name b")).isEqualTo("chores-app");
		Execution<String> doomed = executions.start(() -> chores.run("doomed-live", 60_000));
		await().atMost(Duration.ofSeconds(10)).until(() -> doomed.status() == ExecutionStatus.RUNNING);
		click(workers, "button[data-action=drain]");
		confirm(workers);
		waitFor(workers, () -> "draining".equals(text(workers, "td.worker-state")));
		workers.executeJavaScript("location.hash = '#queues'");
		waitFor(workers, () -> String.valueOf(text(row(workers, "data-queue", "chores"), "td.served")).startsWith("not served"));
		assertThat(text(row(workers, "data-queue", "chores"), "td.served")).contains("1 draining");

		// Dead letters, live: the drained call's letter appears without a click; purge is offered only then.
		workers.executeJavaScript("location.hash = '#deadletters/chores'");
		DeadLetters deadLetters = this.app.getBean(DeadLetters.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters.count("chores") == 1);
		String letter = deadLetters.list("chores", 0, 1).get(0).id();
		waitFor(workers, () -> row(workers, "data-deadletter", letter) != null);
		assertThat(find(workers, "#purge").hasAttribute("hidden")).isFalse();
		assertThat(text(row(workers, "data-deadletter", letter), "td:nth-child(3)")).contains("drained");
		click(row(workers, "data-deadletter", letter), "a[data-action=inspect]");
		waitFor(workers, () -> !find(workers, "#deadletter-detail").hasAttribute("hidden"));
		// The request as the JSON it is, not a string of escaped JSON.
		assertThat(text(workers, "#deadletter-detail pre")).doesNotContain("\\\"").contains("\"request\": {");
		click(workers, "#purge");
		confirm(workers);
		waitFor(workers, () -> find(workers, "#purge").hasAttribute("hidden")
				&& row(workers, "data-deadletter", letter) == null);
		assertThat(deadLetters.count("chores")).isZero();
	}

	private HtmlPage reopen(String path) throws Exception {
		this.browser.close();
		this.browser = null;
		return open("ops", "ops-secret", path);
	}

	@SuppressWarnings("unchecked")
	private static int history(ConsoleSnapshots snapshots) {
		Map<String, Object> snapshot = snapshots.peek();
		if (snapshot == null) {
			return 0;
		}
		return ((List<Map<String, Object>>) snapshot.get("endpoints")).stream()
			.filter((endpoint) -> "chores".equals(endpoint.get("name")))
			.mapToInt((endpoint) -> ((List<?>) endpoint.get("history")).size())
			.findFirst()
			.orElse(0);
	}

	@Test
	void anOperatorPausesAQueueForEveryWorkerAndResumesIt() throws Exception {
		start();
		Chores chores = this.app.getBean(Chores.class);
		HtmlPage page = open("ops", "ops-secret", "/actuator/console#queues");
		waitFor(page, () -> find(page, "tr[data-queue=\"chores\"] button[data-action=pause-queue]") != null);
		click(row(page, "data-queue", "chores"), "button[data-action=pause-queue]");
		confirm(page);
		waitFor(page, () -> String.valueOf(text(row(page, "data-queue", "chores"), "td.served")).startsWith("paused"));
		CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> chores.run("while-paused", 0));
		await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
		click(row(page, "data-queue", "chores"), "button[data-action=resume-queue]");
		assertThat(waiting.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("done while-paused");
		waitFor(page, () -> find(page, "tr[data-queue=\"chores\"] button[data-action=pause-queue]") != null);
	}

	/**
	 * The recurring calls' view: the call with its schedule and next due time; Pause (confirmed)
	 * holds it for every instance, Resume lets it tick, Run now starts a tick beside its schedule.
	 */
	@Test
	void anOperatorPausesResumesAndTriggersARecurringCall() throws Exception {
		start();
		Chores chores = this.app.getBean(Chores.class);
		io.execution.recurring.RecurringCalls calls = this.app.getBean(io.execution.recurring.RecurringCalls.class);
		calls.register(io.execution.recurring.RecurringCall.of("sweep",
				io.execution.recurring.Recurrence.every(Duration.ofHours(1)), () -> chores.run("sweep", 0)));
		HtmlPage page = open("ops", "ops-secret", "/actuator/console#recurring");
		waitFor(page, () -> row(page, "data-recurring", "sweep") != null);
		assertThat(text(row(page, "data-recurring", "sweep"), "td:nth-child(2)")).isEqualTo("chores.run");
		assertThat(text(row(page, "data-recurring", "sweep"), "td:nth-child(3)")).isEqualTo("every 1h");
		click(row(page, "data-recurring", "sweep"), "button[data-action=pause-recurring]");
		confirm(page);
		waitFor(page, () -> "paused".equals(text(row(page, "data-recurring", "sweep"), "td:nth-child(6)")));
		assertThat(calls.find("sweep").orElseThrow().paused()).isTrue();
		click(row(page, "data-recurring", "sweep"), "button[data-action=resume-recurring]");
		waitFor(page, () -> "ticking".equals(text(row(page, "data-recurring", "sweep"), "td:nth-child(6)")));
		assertThat(calls.find("sweep").orElseThrow().paused()).isFalse();
		click(row(page, "data-recurring", "sweep"), "button[data-action=trigger-recurring]");
		confirm(page);
		waitFor(page, () -> String.valueOf(text(page, "#notice")).startsWith("Started execution "));
		String id = text(page, "#notice").replace("Started execution ", "").replace(".", "");
		assertThat(this.app.getBean(Executions.class).find(id).orElseThrow().await(Duration.ofSeconds(10)))
			.isEqualTo("done sweep");
	}

	@Test
	void anOperatorCancelsEveryExecutionMatchingTheFilterAtOnce() throws Exception {
		start();
		Executions executions = this.app.getBean(Executions.class);
		Chores chores = this.app.getBean(Chores.class);
		Execution<String> first = executions.start(() -> chores.run("bulk-1", 60_000));
		Execution<String> second = executions.start(() -> chores.run("bulk-2", 60_000));
		await().atMost(Duration.ofSeconds(10)).until(() -> first.status() == ExecutionStatus.RUNNING
				&& second.status() == ExecutionStatus.RUNNING);
		HtmlPage page = open("ops", "ops-secret", "/actuator/console#executions?status=RUNNING");
		waitFor(page, () -> !find(page, "#cancel-all").hasAttribute("hidden"));
		click(page, "#cancel-all");
		confirm(page);
		waitFor(page, () -> String.valueOf(text(page, "#notice")).contains("2 executions cancelled"));
		assertThat(first.status()).isEqualTo(ExecutionStatus.CANCELLED);
		assertThat(second.status()).isEqualTo(ExecutionStatus.CANCELLED);
	}

	@Test
	void aViewerSeesNoActionAndForgedWritesAreRefused() throws Exception {
		start();
		Executions executions = this.app.getBean(Executions.class);
		Execution<String> slow = executions.start(() -> this.app.getBean(Chores.class).run("viewer-slow", 60_000));
		await().atMost(Duration.ofSeconds(10)).until(() -> slow.status() == ExecutionStatus.RUNNING);
		HtmlPage page = open("viewer", "viewer-secret");
		assertThat(text(page, "#access")).isEqualTo("read-only for you");
		click(page, "nav a[data-view=workers]");
		waitFor(page, () -> find(page, "tr[data-worker]") != null);
		click(page, "nav a[data-view=executions]");
		waitFor(page, () -> row(page, "data-execution", slow.id()) != null);
		assertThat(actions(page)).isEmpty();

		// The viewer's own write, with the right body: refused by the management security.
		assertThat(post("viewer:viewer-secret", "application/json", "{\"action\":\"drain\"}")).isEqualTo(403);
		// A form on another site posting with the operator's credentials: no CSRF token, refused.
		assertThat(post("ops:ops-secret", "application/x-www-form-urlencoded", "action=drain")).isEqualTo(403);
		assertThat(this.app.getBean(WorkerPools.class).pools().get(0).isAccepting()).isTrue();
		assertThat(slow.status()).isEqualTo(ExecutionStatus.RUNNING);
		slow.cancel();
	}

	@Test
	void aReadOnlyConsoleOffersNoActionToAnyone() throws Exception {
		start("execution.console.read-only=true");
		HtmlPage page = open("ops", "ops-secret");
		assertThat(text(page, "#access")).isEqualTo("read-only console");
		click(page, "nav a[data-view=workers]");
		waitFor(page, () -> find(page, "tr[data-worker]") != null);
		assertThat(actions(page)).isEmpty();
	}

	private int post(String credentials, String contentType, String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url("/actuator/console")))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))
			.header("Content-Type", contentType)
			.header("Origin", "https://elsewhere.example")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

}
