package io.execution.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.execution.core.CallChain;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request envelope from a parser, over bytes or tokens, binding its arguments as they
 * come; and the parts of a request every way of reading it checks alike.
 */
final class RequestReader {

	/** Reads a value inside an envelope, which goes on after it, as a tree. */
	private final ObjectReader treeInEnvelope;

	RequestReader(JsonMapper mapper) {
		this.treeInEnvelope = mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/** Property names of a request envelope, as bits: a name seen twice sends it to the tree path. */
	private static final List<String> REQUEST_PROPERTIES = List.of("v", "id", "service", "method", "args", "timeoutMs",
			"chain", "trace", "execution", "stream", "retry");

	/**
	 * Reads the usual request envelope from the parser, binding its arguments; {@code null} for
	 * anything the tree path must read.
	 */
	RequestEnvelope read(JsonParser parser, ArgumentTypes types, boolean inJvm) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			return null;
		}
		String id = null;
		String service = null;
		String method = null;
		Object[] bound = null;
		ArgumentTypes.Arguments boundFor = null;
		Long timeout = null;
		JsonNode chain = null;
		JsonNode trace = null;
		boolean execution = false;
		boolean stream = false;
		JsonNode retry = null;
		int seen = 0;
		JsonToken token;
		while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			int property = REQUEST_PROPERTIES.indexOf(name);
			if (property < 0) {
				parser.skipChildren();
				continue;
			}
			if ((seen & (1 << property)) != 0) {
				return null;
			}
			seen |= 1 << property;
			switch (property) {
				case 0 -> {
					if (value != JsonToken.VALUE_NULL
							&& (value != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != EnvelopeCodec.VERSION)) {
						return null;
					}
				}
				case 1 -> {
					if (value == JsonToken.VALUE_STRING) {
						id = parser.getString();
					}
					else {
						parser.skipChildren();
					}
				}
				case 2, 3 -> {
					if (value != JsonToken.VALUE_STRING || parser.getString().isBlank()) {
						return null;
					}
					if (property == 2) {
						service = parser.getString();
					}
					else {
						method = parser.getString();
					}
				}
				case 4 -> {
					boundFor = (service != null && method != null) ? types.of(service, method) : null;
					if (boundFor == null) {
						return null;
					}
					bound = bindArguments(parser, value, boundFor);
					if (bound == null) {
						return null;
					}
				}
				// The time left and the flags, as this library writes them, straight from the parser.
				case 5 -> timeout = (value == JsonToken.VALUE_NUMBER_INT
						&& parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER)
								? Math.max(0, parser.getLongValue()) : timeoutMs(this.treeInEnvelope.readValue(parser));
				case 8 -> execution = flag(parser, value);
				case 9 -> stream = flag(parser, value);
				default -> {
					JsonNode node = this.treeInEnvelope.readValue(parser);
					switch (property) {
						case 6 -> chain = node;
						case 7 -> trace = node;
						default -> retry = node;
					}
				}
			}
		}
		if (token != JsonToken.END_OBJECT || service == null || method == null) {
			return null;
		}
		if (bound == null) {
			// No arguments at all: nothing to bind.
			boundFor = types.of(service, method);
			if (boundFor == null || boundFor.types().length != 0) {
				return null;
			}
			bound = new Object[0];
		}
		return new RequestEnvelope(id, service, method, List.of(), timeout, chain(chain), trace(trace), execution,
				stream, bound, boundFor, RetryWire.read(retry), inJvm);
	}

	/** A flag ({@code execution}, {@code stream}) at the parser, read as the tree path reads it. */
	private boolean flag(JsonParser parser, JsonToken value) {
		return switch (value) {
			case VALUE_TRUE -> true;
			case VALUE_FALSE, VALUE_NULL -> false;
			default -> this.treeInEnvelope.<JsonNode>readValue(parser).asBoolean(false);
		};
	}

	/**
	 * Binds the arguments at the parser (on their array) to their types; {@code null} when their
	 * number differs or one is null for a primitive (the tree path then says so).
	 */
	private static Object[] bindArguments(JsonParser parser, JsonToken token, ArgumentTypes.Arguments arguments) {
		int arity = arguments.types().length;
		Object[] args = new Object[arity];
		if (token == JsonToken.VALUE_NULL) {
			return (arity == 0) ? args : null;
		}
		if (token != JsonToken.START_ARRAY) {
			return null;
		}
		int i = 0;
		JsonToken next;
		while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (next == null || i >= arity) {
				return null;
			}
			if (next == JsonToken.VALUE_NULL) {
				if (arguments.types()[i].isPrimitive()) {
					return null;
				}
				args[i] = null;
			}
			else {
				args[i] = arguments.readers()[i].readValue(parser);
				if (args[i] == null && arguments.types()[i].isPrimitive()) {
					return null;
				}
			}
			i++;
		}
		return (i == arity) ? args : null;
	}

	static Long timeoutMs(JsonNode timeout) {
		if (timeout == null || timeout.isNull()) {
			return null;
		}
		if (!timeout.isIntegralNumber() || !timeout.canConvertToLong()) {
			throw new MalformedEnvelopeException("'timeoutMs' must be a whole number of milliseconds");
		}
		return Math.max(0, timeout.longValue());
	}

	static List<String> chain(JsonNode chainNode) {
		List<String> chain = new ArrayList<>();
		if (chainNode != null && !chainNode.isNull()) {
			if (!chainNode.isArray()) {
				throw new MalformedEnvelopeException("'chain' must be an array of endpoint names");
			}
			for (JsonNode node : chainNode) {
				if (!node.isString() || node.stringValue().isBlank()) {
					throw new MalformedEnvelopeException("'chain' must be an array of endpoint names, not " + node);
				}
				if (chain.contains(node.stringValue())) {
					throw new MalformedEnvelopeException("'chain' passes through endpoint '" + node.stringValue()
							+ "' twice: a cycle");
				}
				chain.add(node.stringValue());
			}
			if (chain.size() > CallChain.MAX_DEPTH) {
				throw new MalformedEnvelopeException("'chain' is deeper than " + CallChain.MAX_DEPTH + " endpoints");
			}
		}
		return chain;
	}

	static Map<String, String> trace(JsonNode traceNode) {
		Map<String, String> trace = new LinkedHashMap<>();
		if (traceNode != null && traceNode.isObject()) {
			traceNode.properties().forEach((entry) -> {
				if (entry.getValue().isString()) {
					trace.put(entry.getKey(), entry.getValue().stringValue());
				}
			});
		}
		return trace;
	}

}
