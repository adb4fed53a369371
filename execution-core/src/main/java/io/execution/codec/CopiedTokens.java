package io.execution.codec;

import tools.jackson.core.Base64Variant;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.databind.util.TokenBuffer;

/**
 * Jackson's tokens of an envelope that keep nothing a reader could change: binary values are
 * kept as their Base64 text, as JSON bytes would carry them, so every reading binds an array of
 * its own. A plain {@link TokenBuffer} embeds a {@code byte[]} as it is, which the first reader's
 * deserializer would hand out — a worker that changed its argument would change the request a
 * retry or a dead letter is made from.
 */
final class CopiedTokens extends TokenBuffer {

	CopiedTokens(ObjectWriteContext context) {
		super(context, false);
	}

	@Override
	public JsonGenerator writePOJO(Object value) {
		if (value instanceof byte[] array) {
			// Through its serializer, which writes it as binary in the mapper's Base64 variant.
			objectWriteContext().writeValue(this, array);
			return this;
		}
		return super.writePOJO(value);
	}

	@Override
	public JsonGenerator writeBinary(Base64Variant variant, byte[] data, int offset, int length) {
		return writeString(variant.encode(java.util.Arrays.copyOfRange(data, offset, offset + length)));
	}

}
