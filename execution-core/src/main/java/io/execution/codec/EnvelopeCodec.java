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
import tools.jackson.databind.util.TokenBuffer;

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

	private final RequestReader requests;

	/**
	 * Makes a codec over the application's mapper: its configuration as it is, Jackson's buffers
	 * kept per platform thread (see {@link CodecBuffers}).
	 * @param mapper the mapper for arguments and results
	 */
	public EnvelopeCodec(JsonMapper mapper) {
		this.mapper = CodecBuffers.mapper(mapper);
		this.requests = new RequestReader(this.mapper);
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
			writeRequest(json, invocation, stream);
		}
		catch (JacksonException ex) {
			throw unwritable(invocation, ex);
		}
		return out.toByteArray();
	}

	/**
	 * Writes an invocation for a worker in this JVM: the same envelope as
	 * {@link #encodeRequest(Invocation, boolean)}, as tokens rather than text (see
	 * {@link Envelope}).
	 * @param invocation the invocation
	 * @param stream whether the caller takes a streaming method's elements in chunks
	 * @return the request envelope
	 */
	public Envelope encodeRequestInJvm(Invocation invocation, boolean stream) {
		TokenBuffer tokens = new CopiedTokens(this.mapper._serializationContext());
		try (tokens) {
			writeRequest(tokens, invocation, stream);
		}
		catch (JacksonException ex) {
			throw unwritable(invocation, ex);
		}
		return Envelope.of(tokens, this.mapper);
	}

	private static ExecutionException unwritable(Invocation invocation, JacksonException ex) {
		return new ExecutionException("Arguments of " + invocation.method() + " cannot be written as JSON: "
				+ ex.getOriginalMessage(), ex);
	}

	private void writeRequest(JsonGenerator json, Invocation invocation, boolean stream) {
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
				RequestReader.timeoutMs(root.get("timeoutMs")), RequestReader.chain(root.get("chain")),
				RequestReader.trace(root.get("trace")),
				root.path("execution").asBoolean(false), root.path("stream").asBoolean(false), null, null,
				RetryWire.read(root.get("retry")), false);
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
		return decodeRequest(Envelope.of(body), types);
	}

	/**
	 * Reads a request envelope as it came off a queue, bytes or tokens, as
	 * {@link #decodeRequest(byte[], ArgumentTypes)} does.
	 * @param body the envelope
	 * @param types the argument types of the methods this side runs
	 * @return the envelope, its arguments bound when that could be done while reading
	 * @throws MalformedEnvelopeException when the body is not a valid version 1 envelope
	 */
	public RequestEnvelope decodeRequest(Envelope body, ArgumentTypes types) {
		try (JsonParser parser = body.parser(this.mapper)) {
			RequestEnvelope envelope = this.requests.read(parser, types, body.inJvm());
			if (envelope != null && parser.nextToken() == null) {
				return envelope;
			}
		}
		catch (RuntimeException ex) {
			// Said by the tree path, with the envelope's own words (and a deserializer that throws
			// something else than Jackson's exceptions throws it where it did, when binding).
		}
		RequestEnvelope read = decodeRequest(body.bytes());
		return body.inJvm() ? read.fromThisJvm() : read;
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
			writeSuccess(json, id, result);
		}
		return out.toByteArray();
	}

	/**
	 * Writes a successful result for a caller in this JVM: the envelope of
	 * {@link #encodeSuccess(String, Object)}, as tokens (see {@link Envelope}).
	 * @param id the invocation id
	 * @param result the result (any value the mapper writes)
	 * @return the result envelope
	 * @throws JacksonException when the result cannot be written as JSON
	 */
	public Envelope encodeSuccessInJvm(String id, Object result) {
		TokenBuffer tokens = new CopiedTokens(this.mapper._serializationContext());
		try (tokens) {
			writeSuccess(tokens, id, result);
		}
		return Envelope.of(tokens, this.mapper);
	}

	private static void writeSuccess(JsonGenerator json, String id, Object result) {
		json.writeStartObject();
		json.writeNumberProperty("v", VERSION);
		json.writeStringProperty("id", id);
		json.writeBooleanProperty("ok", true);
		json.writeName("result");
		json.writePOJO(result);
		json.writeEndObject();
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
		return readResult(Envelope.of(body), method);
	}

	/**
	 * Reads a result as it came off a queue, bytes or tokens, as
	 * {@link #readResult(byte[], ClientMethod)} does.
	 * @param envelope the result envelope
	 * @param method the client method
	 * @return the result
	 * @throws ExecutionException the error the envelope carries
	 */
	public Object readResult(Envelope envelope, ClientMethod method) {
		// The usual answer, {"v":1,"id":…,"ok":true,"result":…}, is bound straight from the parser;
		// anything else (an error, a malformed body, a value that does not bind) takes the tree
		// path below, which says what is wrong.
		try (JsonParser parser = envelope.parser(this.mapper)) {
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
						return readResultTree(envelope.bytes(), method);
					}
					else if ("v".equals(name) && (next != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != VERSION)
							&& next != JsonToken.VALUE_NULL) {
						return readResultTree(envelope.bytes(), method);
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
		return readResultTree(envelope.bytes(), method);
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
