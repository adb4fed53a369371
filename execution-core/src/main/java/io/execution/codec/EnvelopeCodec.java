package io.execution.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import io.execution.ExecutionException;
import io.execution.core.CallChain;
import io.execution.core.ClientMethod;
import io.execution.core.Invocation;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the JSON envelopes of wire format version 1 with the application's
 * {@link JsonMapper}. Types always come from the local method signature: no class name is ever
 * written or read, and Java serialization is never used.
 * <pre>
 * request: {"v":1,"id":"…","service":"thumbnails","method":"render","args":[{"uri":"s3://a.png"},200],
 *           "timeoutMs":29950,"chain":["thumbnails"],"trace":{"traceparent":"00-…"},"execution":true}
 * result:  {"v":1,"id":"…","ok":true,"result":{…}}
 * error:   {"v":1,"id":"…","ok":false,"error":{"code":"service-exception","type":"java.lang.IllegalStateException","message":"…"}}
 * </pre>
 */
public final class EnvelopeCodec {

	/** The version of the wire format this codec writes and reads. */
	public static final int VERSION = 1;

	private final JsonMapper mapper;

	/**
	 * Makes a codec over the application's mapper: its configuration as it is, Jackson's buffers
	 * kept per platform thread (see {@link CodecBuffers}).
	 * @param mapper the mapper for arguments and results
	 */
	public EnvelopeCodec(JsonMapper mapper) {
		this.mapper = CodecBuffers.mapper(mapper);
		this.treeInEnvelope = this.mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/**
	 * The mapper arguments and results are bound with.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Writes an invocation, with the time it has left.
	 * @param invocation the invocation
	 * @return the request envelope
	 */
	public byte[] encodeRequest(Invocation invocation) {
		return encodeRequest(invocation, false);
	}

	/**
	 * Writes an invocation, with the time it has left.
	 * @param invocation the invocation
	 * @param stream whether the caller takes a streaming method's elements in chunks
	 * @return the request envelope
	 */
	public byte[] encodeRequest(Invocation invocation, boolean stream) {
		ByteArrayBuilder out = new ByteArrayBuilder(256);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", VERSION);
			json.writeStringProperty("id", invocation.id());
			json.writeStringProperty("service", invocation.method().service());
			json.writeStringProperty("method", invocation.method().name());
			json.writeName("args");
			json.writeStartArray();
			for (Object arg : invocation.args()) {
				json.writePOJO(arg);
			}
			json.writeEndArray();
			json.writeNumberProperty("timeoutMs", invocation.remainingMillis());
			if (!invocation.chain().isEmpty()) {
				json.writeName("chain");
				json.writeStartArray();
				for (String endpoint : invocation.chain()) {
					json.writeString(endpoint);
				}
				json.writeEndArray();
			}
			if (invocation.isExecution()) {
				json.writeBooleanProperty("execution", true);
			}
			if (stream) {
				json.writeBooleanProperty("stream", true);
			}
			if (invocation.retries() != null) {
				json.writeName("retry");
				json.writePOJO(RetryWire.write(invocation.retries()));
			}
			if (!invocation.trace().isEmpty()) {
				json.writeName("trace");
				json.writeStartObject();
				for (Map.Entry<String, String> entry : invocation.trace().entrySet()) {
					json.writeStringProperty(entry.getKey(), entry.getValue());
				}
				json.writeEndObject();
			}
			json.writeEndObject();
		}
		catch (JacksonException ex) {
			throw new ExecutionException("Arguments of " + invocation.method() + " cannot be written as JSON: "
					+ ex.getOriginalMessage(), ex);
		}
		return out.toByteArray();
	}

	/**
	 * The request of a call's next attempt: the same envelope, one attempt on, with the time the
	 * attempt has. Only a worker that read the request writes it, on the rare path of a retry.
	 * @param body the request envelope of the attempt that failed
	 * @param next the retries of the next attempt
	 * @param timeoutMs the time the next attempt has once due
	 * @return the request envelope of the next attempt
	 */
	public byte[] nextAttempt(byte[] body, io.execution.core.RetryPolicy.Retries next, long timeoutMs) {
		JsonNode root = readTree(body);
		if (!(root instanceof tools.jackson.databind.node.ObjectNode request)) {
			throw new MalformedEnvelopeException("A request envelope must be a JSON object");
		}
		request.put("timeoutMs", timeoutMs);
		request.set("retry", this.mapper.valueToTree(RetryWire.write(next)));
		return this.mapper.writeValueAsBytes(request);
	}

	/**
	 * Reads a request envelope, checking its shape but not yet binding its arguments.
	 * @param body the body
	 * @return the envelope
	 * @throws MalformedEnvelopeException when the body is not a valid version 1 envelope
	 */
	public RequestEnvelope decodeRequest(byte[] body) {
		JsonNode root = readTree(body);
		checkVersion(root);
		String service = requiredText(root, "service");
		String method = requiredText(root, "method");
		JsonNode argsNode = root.get("args");
		List<JsonNode> args = new ArrayList<>();
		if (argsNode != null && !argsNode.isNull()) {
			if (!argsNode.isArray()) {
				throw new MalformedEnvelopeException("'args' must be an array of the positional arguments");
			}
			argsNode.forEach(args::add);
		}
		JsonNode id = root.get("id");
		return new RequestEnvelope((id != null && id.isString()) ? id.stringValue() : null, service, method, args,
				timeoutMs(root.get("timeoutMs")), chain(root.get("chain")), trace(root.get("trace")),
				root.path("execution").asBoolean(false), root.path("stream").asBoolean(false), null, null,
				RetryWire.read(root.get("retry")));
	}

	/**
	 * Reads a request envelope and, when its method is known by name alone, binds its arguments
	 * straight from the parser: the usual envelope, written by this library ({@code service} and
	 * {@code method} before {@code args}). Anything else (another order, an overloaded name, a
	 * value that does not bind, a malformed body) is read as a tree, as by
	 * {@link #decodeRequest(byte[])}, which says what is wrong; the envelope read is the same
	 * either way.
	 * @param body the body
	 * @param types the argument types of the methods this side runs
	 * @return the envelope, its arguments bound when that could be done while reading
	 * @throws MalformedEnvelopeException when the body is not a valid version 1 envelope
	 */
	public RequestEnvelope decodeRequest(byte[] body, ArgumentTypes types) {
		try (JsonParser parser = this.mapper.createParser(body)) {
			RequestEnvelope envelope = readRequest(parser, types);
			if (envelope != null && parser.nextToken() == null) {
				return envelope;
			}
		}
		catch (RuntimeException ex) {
			// Said by the tree path, with the envelope's own words (and a deserializer that throws
			// something else than Jackson's exceptions throws it where it did, when binding).
		}
		return decodeRequest(body);
	}

	/** Reads a value inside an envelope, which goes on after it, as a tree. */
	private final ObjectReader treeInEnvelope;

	/** Property names of a request envelope, as bits: a name seen twice sends it to the tree path. */
	private static final List<String> REQUEST_PROPERTIES = List.of("v", "id", "service", "method", "args", "timeoutMs",
			"chain", "trace", "execution", "stream", "retry");

	/**
	 * Reads the usual request envelope from the parser, binding its arguments; {@code null} for
	 * anything the tree path must read.
	 */
	private RequestEnvelope readRequest(JsonParser parser, ArgumentTypes types) {
		if (parser.nextToken() != JsonToken.START_OBJECT) {
			return null;
		}
		String id = null;
		String service = null;
		String method = null;
		Object[] bound = null;
		ArgumentTypes.Arguments boundFor = null;
		JsonNode timeout = null;
		JsonNode chain = null;
		JsonNode trace = null;
		JsonNode execution = null;
		JsonNode stream = null;
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
							&& (value != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != VERSION)) {
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
				default -> {
					JsonNode node = this.treeInEnvelope.readValue(parser);
					switch (property) {
						case 5 -> timeout = node;
						case 6 -> chain = node;
						case 7 -> trace = node;
						case 8 -> execution = node;
						case 9 -> stream = node;
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
		return new RequestEnvelope(id, service, method, List.of(), timeoutMs(timeout), chain(chain), trace(trace),
				(execution != null) && execution.asBoolean(false), (stream != null) && stream.asBoolean(false), bound,
				boundFor, RetryWire.read(retry));
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

	private static Long timeoutMs(JsonNode timeout) {
		if (timeout == null || timeout.isNull()) {
			return null;
		}
		if (!timeout.isIntegralNumber() || !timeout.canConvertToLong()) {
			throw new MalformedEnvelopeException("'timeoutMs' must be a whole number of milliseconds");
		}
		return Math.max(0, timeout.longValue());
	}

	private static List<String> chain(JsonNode chainNode) {
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

	private static Map<String, String> trace(JsonNode traceNode) {
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

	/**
	 * Binds a request's positional arguments to the declared parameter types: what every side
	 * that runs an envelope does before calling the method.
	 * @param values the arguments, as JSON
	 * @param types the declared parameter types
	 * @param readers reads the argument at a position as its declared type
	 * @param signature the method, for the messages
	 * @return the arguments
	 * @throws MalformedEnvelopeException when one does not bind, or is null for a primitive
	 */
	public static Object[] bindArguments(List<JsonNode> values, JavaType[] types, IntFunction<ObjectReader> readers,
			String signature) {
		Object[] args = new Object[values.size()];
		for (int i = 0; i < args.length; i++) {
			JsonNode value = values.get(i);
			try {
				args[i] = value.isNull() ? null : readers.apply(i).readValue(value);
			}
			catch (JacksonException ex) {
				throw new MalformedEnvelopeException("Argument " + (i + 1) + " of " + signature + " does not bind to "
						+ types[i].getTypeName() + ": " + ex.getOriginalMessage());
			}
			if (args[i] == null && types[i].isPrimitive()) {
				throw new MalformedEnvelopeException("Argument " + (i + 1) + " of " + signature + " must not be null");
			}
		}
		return args;
	}

	/**
	 * Writes a successful result.
	 * @param id the invocation id
	 * @param result the result (any value the mapper writes)
	 * @return the result envelope
	 * @throws JacksonException when the result cannot be written as JSON
	 */
	public byte[] encodeSuccess(String id, Object result) {
		ByteArrayBuilder out = new ByteArrayBuilder(128);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", VERSION);
			json.writeStringProperty("id", id);
			json.writeBooleanProperty("ok", true);
			json.writeName("result");
			json.writePOJO(result);
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	/**
	 * Writes one element of a streamed result, a line of NDJSON: {@code {"item":…}}.
	 * @param element the element
	 * @return the line, with its newline
	 * @throws JacksonException when the element cannot be written as JSON
	 */
	public byte[] encodeItem(Object element) {
		ByteArrayBuilder out = new ByteArrayBuilder(64);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeName("item");
			json.writePOJO(element);
			json.writeEndObject();
		}
		out.write('\n');
		return out.toByteArray();
	}

	/**
	 * Writes a chunk of a streamed result, as it travels on a queue: {@code {"items":[…]}}.
	 * @param elements the elements, in order
	 * @return the chunk
	 * @throws JacksonException when an element cannot be written as JSON
	 */
	public byte[] encodeChunk(java.util.List<?> elements) {
		ByteArrayBuilder out = new ByteArrayBuilder(64 + elements.size() * 16);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeName("items");
			json.writeStartArray();
			for (Object element : elements) {
				json.writePOJO(element);
			}
			json.writeEndArray();
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	/**
	 * Writes the last line of a streamed result that ended well:
	 * {@code {"v":1,"id":…,"ok":true,"end":true,"count":N}}.
	 * @param id the invocation id
	 * @param count how many elements were sent
	 * @return the line, with its newline
	 */
	public byte[] encodeEnd(String id, long count) {
		ByteArrayBuilder out = new ByteArrayBuilder(64);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", VERSION);
			json.writeStringProperty("id", id);
			json.writeBooleanProperty("ok", true);
			json.writeBooleanProperty("end", true);
			json.writeNumberProperty("count", count);
			json.writeEndObject();
		}
		out.write('\n');
		return out.toByteArray();
	}

	/**
	 * Writes an error result.
	 * @param id the invocation id
	 * @param code the error code
	 * @param type the exception type name for a service exception, else {@code null}
	 * @param message the message
	 * @return the result envelope
	 */
	public byte[] encodeError(String id, ErrorCode code, String type, String message) {
		ByteArrayBuilder out = new ByteArrayBuilder(128);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", VERSION);
			json.writeStringProperty("id", id);
			json.writeBooleanProperty("ok", false);
			json.writeName("error");
			json.writeStartObject();
			json.writeStringProperty("code", code.code());
			if (type != null) {
				json.writeStringProperty("type", type);
			}
			json.writeStringProperty("message", message);
			json.writeEndObject();
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	/**
	 * Reads a result envelope.
	 * @param body the body
	 * @return the envelope
	 * @throws MalformedEnvelopeException when the body is not a valid version 1 result
	 */
	public ResultEnvelope decodeResult(byte[] body) {
		JsonNode root = readTree(body);
		checkVersion(root);
		JsonNode id = root.get("id");
		String invocationId = (id != null && id.isString()) ? id.stringValue() : null;
		JsonNode error = root.get("error");
		if (error != null && error.isObject()) {
			JsonNode type = error.get("type");
			JsonNode message = error.get("message");
			return new ResultEnvelope(invocationId, null,
					new ResultEnvelope.Error(ErrorCode.of(error.path("code").asString("internal-error")),
							(type != null && type.isString()) ? type.stringValue() : null,
							(message != null) ? message.asString() : null));
		}
		JsonNode result = root.get("result");
		return new ResultEnvelope(invocationId, (result != null) ? result : this.mapper.nullNode(), null);
	}

	/**
	 * Reads a result for the client method that asked for it: the value, bound to the
	 * method's declared result type, or the error as the caller's exception.
	 * @param body the result envelope
	 * @param method the client method
	 * @return the result
	 * @throws ExecutionException the error the envelope carries
	 */
	public Object readResult(byte[] body, ClientMethod method) {
		// The usual answer, {"v":1,"id":…,"ok":true,"result":…}, is bound straight from the parser;
		// anything else (an error, a malformed body, a value that does not bind) takes the tree
		// path below, which says what is wrong.
		try (JsonParser parser = this.mapper.createParser(body)) {
			if (parser.nextToken() == JsonToken.START_OBJECT) {
				Object value = null;
				JsonToken token;
				while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
					String name = parser.currentName();
					JsonToken next = parser.nextToken();
					if ("result".equals(name)) {
						value = (next == JsonToken.VALUE_NULL) ? null : inEnvelope(method).readValue(parser);
					}
					else if ("error".equals(name) && next == JsonToken.START_OBJECT) {
						return readResultTree(body, method);
					}
					else if ("v".equals(name) && (next != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != VERSION)
							&& next != JsonToken.VALUE_NULL) {
						return readResultTree(body, method);
					}
					else {
						parser.skipChildren();
					}
				}
				if (token == JsonToken.END_OBJECT && parser.nextToken() == null) {
					return value;
				}
			}
		}
		catch (JacksonException ex) {
			// Said by the tree path, with the envelope's own words.
		}
		return readResultTree(body, method);
	}

	/**
	 * The method's result reader for a value inside the envelope, which goes on after it: one
	 * that does not call that trailing tokens, made once per result type.
	 */
	private ObjectReader inEnvelope(ClientMethod method) {
		ObjectReader reader = this.inEnvelope.get(method.resultType());
		if (reader == null) {
			reader = method.resultReader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
			this.inEnvelope.put(method.resultType(), reader);
		}
		return reader;
	}

	private final Map<JavaType, ObjectReader> inEnvelope = new java.util.concurrent.ConcurrentHashMap<>();

	private Object readResultTree(byte[] body, ClientMethod method) {
		ResultEnvelope envelope;
		try {
			envelope = decodeResult(body);
		}
		catch (MalformedEnvelopeException ex) {
			throw new ExecutionException("Result of " + method + " is not a valid envelope: " + ex.getMessage());
		}
		if (!envelope.ok()) {
			ResultEnvelope.Error error = envelope.error();
			throw error.code().toException(error.type(), error.message());
		}
		JsonNode result = envelope.result();
		if (result.isNull() || result.isMissingNode()) {
			return null;
		}
		try {
			return method.resultReader().readValue(result);
		}
		catch (JacksonException ex) {
			throw new ExecutionException("Result of " + method + " does not bind to " + method.resultType()
					+ ": " + ex.getOriginalMessage(), ex);
		}
	}

	private JsonNode readTree(byte[] body) {
		JsonNode root;
		try {
			root = this.mapper.readTree(body);
		}
		catch (JacksonException ex) {
			throw new MalformedEnvelopeException("Body is not valid JSON: " + ex.getOriginalMessage());
		}
		if (root == null || !root.isObject()) {
			throw new MalformedEnvelopeException("Body must be a JSON object");
		}
		return root;
	}

	private static void checkVersion(JsonNode root) {
		JsonNode version = root.get("v");
		if (version != null && !version.isNull()
				&& (!version.isIntegralNumber() || !version.canConvertToInt() || version.intValue() != VERSION)) {
			throw new MalformedEnvelopeException("Unsupported envelope version " + version + "; this side speaks v"
					+ VERSION);
		}
	}

	private static String requiredText(JsonNode root, String field) {
		JsonNode node = root.get(field);
		if (node == null || !node.isString() || node.stringValue().isBlank()) {
			throw new MalformedEnvelopeException("'" + field + "' is required and must be a non-empty string");
		}
		return node.stringValue();
	}

}
