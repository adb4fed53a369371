package io.execution.async;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.execution.ExecutionRejectedException;
import io.execution.core.ClientMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the idempotency key of a new execution in the execution store, which lets one start
 * win however many processes start with the key: the others get the execution that holds it.
 */
final class IdempotencyKeys {

	private static final Logger logger = LoggerFactory.getLogger(IdempotencyKeys.class);

	/** How long a start waits for the record of the execution whose start claimed its key just before. */
	private static final long KEY_RECORD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final ExecutionStore store;

	IdempotencyKeys(ExecutionStore store) {
		this.store = store;
	}

	/**
	 * Claims a key for a new execution. An execution whose record never appeared (its starter
	 * stopped between claiming the key and writing the record) gives the key up to this one.
	 * @param method what the new execution calls
	 * @param key the idempotency key
	 * @param id the new execution's id
	 * @param ifExists what to do when an execution holds the key
	 * @return empty when the key is now the new execution's, else the id of the one that holds it
	 * @throws DuplicateExecutionException when one holds it and {@code ifExists} is {@code FAIL}
	 * @throws IllegalArgumentException when the one that holds it calls another method
	 */
	Optional<String> claim(ClientMethod method, String key, String id, IfExists ifExists) {
		Optional<String> holder = this.store.claim(key, id);
		for (int attempt = 0; holder.isPresent() && attempt < 3; attempt++) {
			String existing = holder.get();
			if (ifExists == IfExists.FAIL) {
				throw new DuplicateExecutionException(key, existing);
			}
			Optional<ExecutionRecord> record = appeared(existing);
			if (record.isPresent()) {
				ExecutionRecord found = record.get();
				if (!found.service().equals(method.service()) || !found.method().equals(method.name())) {
					throw new IllegalArgumentException("Idempotency key '" + key + "' belongs to execution " + existing
							+ " of " + found.service() + "." + found.method() + ", not of " + method
							+ ": use a key per kind of work");
				}
				logger.debug("Execution {} of {}: key '{}' is held, no new start", existing, method, key);
				return Optional.of(existing);
			}
			if (this.store.reclaim(key, existing, id)) {
				return Optional.empty();
			}
			holder = this.store.holder(key).filter((current) -> !current.equals(id));
		}
		if (holder.isPresent()) {
			throw new ExecutionRejectedException("Idempotency key '" + key + "' is held by an execution whose record"
					+ " cannot be read: " + holder.get());
		}
		return Optional.empty();
	}

	/** The record of an execution that another start is writing now: waited for up to two seconds. */
	private Optional<ExecutionRecord> appeared(String id) {
		long end = System.nanoTime() + KEY_RECORD_WAIT_NANOS;
		Optional<ExecutionRecord> record = this.store.find(id);
		while (record.isEmpty() && System.nanoTime() - end < 0) {
			try {
				TimeUnit.MILLISECONDS.sleep(10);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			record = this.store.find(id);
		}
		return record;
	}

}
