package io.execution.redis;

import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of Execution's own records in Redis (worker descriptions, execution records): one
 * fixed mapper, never the application's, so that applications with different Jackson settings
 * sharing a Redis read each other's records as written. What the records carry of the
 * application's own types (a result) is already a JSON tree by then.
 */
public final class RedisJson {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private RedisJson() {
	}

	/**
	 * The mapper.
	 * @return the fixed mapper
	 */
	public static JsonMapper mapper() {
		return MAPPER;
	}

}
