package io.execution.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.execution.ExecutionCancelledException;
import io.execution.ExecutionTimeoutException;

/**
 * Waiting on and chaining the futures of calls, with the project's error types.
 */
public final class Futures {

	private Futures() {
	}

	/**
	 * Waits for a call's result until its deadline. On timeout or interruption the call is
	 * cancelled where it runs; an interrupted caller keeps its interrupt flag.
	 * @param future the call's future
	 * @param invocation the invocation, for its deadline and id
	 * @param <T> the result type
	 * @return the result
	 */
	public static <T> T await(Future<T> future, Invocation invocation) {
		try {
			return future.get(invocation.remainingNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw timeout(invocation);
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new ExecutionCancelledException(
					"Call " + invocation.method() + " [" + invocation.id() + "] was cancelled: the calling thread was interrupted");
		}
		catch (CancellationException ex) {
			throw new ExecutionCancelledException("Call " + invocation.method() + " [" + invocation.id() + "] was cancelled");
		}
		catch (ExecutionException ex) {
			throw propagate(ex.getCause());
		}
	}

	/**
	 * The error of a call that ran out of time.
	 * @param invocation the invocation
	 * @return the exception to throw
	 */
	public static ExecutionTimeoutException timeout(Invocation invocation) {
		return new ExecutionTimeoutException("Call " + invocation.method() + " [" + invocation.id()
				+ "] did not complete within its deadline (execution.endpoints." + invocation.method().service()
				+ ".timeout)");
	}

	/**
	 * Maps a future's value into a new future whose cancellation cancels the source, so that
	 * a caller's cancel reaches the transport.
	 * @param source the source future
	 * @param mapper maps the value; may throw to fail the result
	 * @param <S> the source type
	 * @param <T> the result type
	 * @return the mapped future
	 */
	public static <S, T> CompletableFuture<T> map(CompletableFuture<S> source, Function<? super S, ? extends T> mapper) {
		CompletableFuture<T> result = new CompletableFuture<>();
		source.whenComplete((value, failure) -> {
			if (failure != null) {
				result.completeExceptionally(unwrap(failure));
				return;
			}
			try {
				result.complete(mapper.apply(value));
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		cancelWith(result, source);
		return result;
	}

	/**
	 * Cancels {@code source} when {@code result} completes before it (cancelled, timed out).
	 * @param result the future the caller holds
	 * @param source the future of the work behind it
	 */
	public static void cancelWith(CompletableFuture<?> result, Future<?> source) {
		result.whenComplete((value, failure) -> {
			if (!source.isDone()) {
				source.cancel(true);
			}
		});
	}

	/**
	 * Strips the {@link CompletionException} and {@link ExecutionException} wrappers.
	 * @param failure a failure
	 * @return the failure inside
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Rethrows a call's failure: unchecked ones as they are, checked ones wrapped.
	 * @param failure the failure
	 * @return never returns; declared so that callers can {@code throw propagate(...)}
	 */
	public static RuntimeException propagate(Throwable failure) {
		Throwable cause = unwrap(failure);
		if (cause instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (cause instanceof Error error) {
			throw error;
		}
		throw new io.execution.ExecutionException("Call failed: " + cause, cause);
	}

}
