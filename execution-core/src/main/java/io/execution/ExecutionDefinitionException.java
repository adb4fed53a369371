package io.execution;

/**
 * A client, a service or the configuration cannot work as declared: found at start-up, it says
 * what is wrong and what to change (Spring Boot shows both in its failure analysis).
 */
public class ExecutionDefinitionException extends ExecutionException {

	private static final long serialVersionUID = 1L;

	private final String problem;

	private final String action;

	/**
	 * A definition that cannot work.
	 * @param problem what is wrong, naming the type, method or property
	 * @param action what to change
	 */
	public ExecutionDefinitionException(String problem, String action) {
		super(problem + " " + action);
		this.problem = problem;
		this.action = action;
	}

	/**
	 * What is wrong.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * What to change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
