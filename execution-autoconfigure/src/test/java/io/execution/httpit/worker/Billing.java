package io.execution.httpit.worker;

/** The worker's side of the contract. */
public interface Billing {

	String charge(String order, long cents);

	String quote(String item);

	String slow(long millis);

	String fail(String message);

	String echo(String text);

	Unwritable broken();

	Unwritable brokenIdempotent();

	String relay(String text);

	/** A result Jackson cannot write: its getter throws. */
	class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be written");
		}

	}

}
