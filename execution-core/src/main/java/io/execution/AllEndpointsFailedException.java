package io.execution;

import java.util.List;

/**
 * Every URL and fallback endpoint of a call was tried and failed. Each attempt's failure is
 * listed in order, and also attached as a {@linkplain #getSuppressed() suppressed} exception.
 */
public class AllEndpointsFailedException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	private final transient List<Throwable> causes;

	public AllEndpointsFailedException(String message, List<? extends Throwable> causes) {
		super(message + describe(causes), causes.isEmpty() ? null : causes.get(causes.size() - 1));
		this.causes = List.copyOf(causes);
		causes.forEach(this::addSuppressed);
	}

	/**
	 * The failure of each attempt, in the order they were made.
	 * @return the causes
	 */
	public List<Throwable> getCauses() {
		return this.causes;
	}

	private static String describe(List<? extends Throwable> causes) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < causes.size(); i++) {
			Throwable cause = causes.get(i);
			text.append(i == 0 ? ": " : "; ").append('[').append(i + 1).append("] ")
				.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
		}
		return text.toString();
	}

}
