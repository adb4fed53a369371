package io.execution.codec;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.util.ByteArrayBuilder;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.TokenBuffer;

/**
 * An envelope as a queue carries it: its JSON as bytes, or — between a caller and a worker in
 * one JVM — the same JSON as Jackson's tokens ({@link EnvelopeCodec#encodeRequestInJvm}). The
 * tokens are a copy of every mutable value the caller passed (its objects are taken apart into
 * tokens and built anew on the worker's side, as from bytes), without writing or parsing text:
 * strings and numbers, which cannot change, are handed over as they are. Bytes are made from
 * them only when something asks for bytes — a dead letter, a retry held until due. Nothing a
 * reader gets from the tokens is shared with another reading ({@link CopiedTokens}).
 */
public final class Envelope {

	private final TokenBuffer tokens;

	private final JsonMapper mapper;

	private volatile byte[] bytes;

	private Envelope(byte[] bytes, TokenBuffer tokens, JsonMapper mapper) {
		this.bytes = bytes;
		this.tokens = tokens;
		this.mapper = mapper;
	}

	/**
	 * An envelope that is JSON bytes, as every backend across processes carries it.
	 * @param json the envelope's JSON
	 * @return the envelope
	 */
	public static Envelope of(byte[] json) {
		if (json == null) {
			throw new IllegalArgumentException("An envelope needs its JSON bytes");
		}
		return new Envelope(json, null, null);
	}

	/** An envelope that is tokens, written with the mapper that makes its bytes when asked. */
	static Envelope of(TokenBuffer tokens, JsonMapper mapper) {
		return new Envelope(null, tokens, mapper);
	}

	/**
	 * The envelope's JSON, made from its tokens the first time they are asked for.
	 * @return the JSON bytes
	 */
	public byte[] bytes() {
		byte[] json = this.bytes;
		if (json == null) {
			ByteArrayBuilder out = new ByteArrayBuilder(256);
			try (JsonGenerator generator = this.mapper.createGenerator(out); JsonParser parser = this.tokens.asParser()) {
				parser.nextToken();
				generator.copyCurrentStructure(parser);
			}
			json = out.toByteArray();
			this.bytes = json;
		}
		return json;
	}

	/**
	 * Whether it is tokens, handed over within one JVM, rather than bytes.
	 * @return {@code true} for tokens
	 */
	public boolean inJvm() {
		return this.tokens != null;
	}

	/** A parser over the envelope: its tokens, or its bytes. */
	JsonParser parser(JsonMapper reader) {
		return (this.tokens != null) ? this.tokens.asParser() : reader.createParser(this.bytes);
	}

	@Override
	public String toString() {
		return (this.tokens != null) ? "Envelope[tokens]" : "Envelope[" + this.bytes.length + " bytes]";
	}

}
