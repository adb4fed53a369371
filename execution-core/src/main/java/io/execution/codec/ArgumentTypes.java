package io.execution.codec;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;

/**
 * Tells the argument types of a method by its service and name, so that a request's arguments
 * are bound as the envelope is read, without a tree in between.
 */
@FunctionalInterface
public interface ArgumentTypes {

	/**
	 * The argument types of a method.
	 * @param service the service name
	 * @param method the method name
	 * @return its arguments' types and readers, or {@code null} when there is no such method or
	 * more than one by that name (its overload is then found by the number of arguments, after
	 * they are read)
	 */
	Arguments of(String service, String method);

	/** Knows no method: every request is read as a tree, its arguments bound later. */
	ArgumentTypes NONE = (service, method) -> null;

	/**
	 * A method's argument types, and a reader for each that binds a value in the middle of an
	 * envelope.
	 *
	 * @param types the declared parameter types
	 * @param readers the readers, one per parameter
	 */
	record Arguments(JavaType[] types, ObjectReader[] readers) {

		/**
		 * Makes the arguments from the method's own readers.
		 * @param types the declared parameter types
		 * @param readers its readers, which may call what follows a value trailing tokens
		 * @return the arguments
		 */
		public static Arguments of(JavaType[] types, ObjectReader[] readers) {
			ObjectReader[] inEnvelope = new ObjectReader[readers.length];
			for (int i = 0; i < readers.length; i++) {
				inEnvelope[i] = readers[i].without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
			}
			return new Arguments(types, inEnvelope);
		}

	}

}
