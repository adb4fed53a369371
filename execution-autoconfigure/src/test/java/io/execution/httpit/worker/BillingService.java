package io.execution.httpit.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.execution.ExecutionService;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;

/** Answers with its instance's name and counts what reaches it. */
@ExecutionService("billing")
public class BillingService implements Billing {

	final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	public final AtomicInteger interrupted = new AtomicInteger();

	private final String instance;

	private final long delayMillis;

	private final ObjectProvider<Relay> relay;

	public BillingService(@Value("${test.instance}") String instance, @Value("${test.delay:0}") long delayMillis,
			ObjectProvider<Relay> relay) {
		this.instance = instance;
		this.delayMillis = delayMillis;
		this.relay = relay;
	}

	public int calls(String method) {
		AtomicInteger count = this.calls.get(method);
		return (count != null) ? count.get() : 0;
	}

	private void count(String method) {
		this.calls.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
		if (this.delayMillis > 0) {
			pause(this.delayMillis);
		}
	}

	private void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			this.interrupted.incrementAndGet();
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String charge(String order, long cents) {
		count("charge");
		return this.instance + ":" + order + ":" + cents;
	}

	@Override
	public String quote(String item) {
		count("quote");
		return this.instance;
	}

	@Override
	public String slow(long millis) {
		count("slow");
		pause(millis);
		return "done";
	}

	@Override
	public String fail(String message) {
		count("fail");
		throw new IllegalArgumentException(message);
	}

	@Override
	public String echo(String text) {
		count("echo");
		return text;
	}

	@Override
	public Unwritable broken() {
		count("broken");
		return new Unwritable();
	}

	@Override
	public Unwritable brokenIdempotent() {
		count("brokenIdempotent");
		return new Unwritable();
	}

	@Override
	public String relay(String text) {
		count("relay");
		return this.relay.getObject().relay(text);
	}

}
