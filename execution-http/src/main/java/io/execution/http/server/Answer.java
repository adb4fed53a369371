package io.execution.http.server;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/**
 * What a route answers: written straight to the servlet response, with no message converter in
 * between (the bodies are bytes the routes' codec made).
 */
@FunctionalInterface
public interface Answer {

	/** The media type of every body but a stream's. */
	String JSON = "application/json";

	/**
	 * Writes the answer.
	 * @param response the response
	 * @throws IOException when the caller went away
	 */
	void write(HttpServletResponse response) throws IOException;

	/**
	 * A body with its length.
	 * @param status the status
	 * @param body the JSON body
	 * @return the answer
	 */
	static Answer json(int status, byte[] body) {
		return (response) -> {
			response.setStatus(status);
			response.setContentType(JSON);
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
		};
	}

	/**
	 * A status without a body.
	 * @param status the status
	 * @return the answer
	 */
	static Answer empty(int status) {
		return (response) -> response.setStatus(status);
	}

	/**
	 * This answer with one more header.
	 * @param name the header's name
	 * @param value its value
	 * @return the answer
	 */
	default Answer header(String name, String value) {
		return (response) -> {
			response.setHeader(name, value);
			write(response);
		};
	}

}
