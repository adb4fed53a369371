package io.execution.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.lettuce.core.codec.RedisCodec;

/**
 * Strings as UTF-8, encoded and decoded by the JDK rather than char by char: Lettuce's
 * {@code StringCodec} writes each character into the buffer in a loop, which for the
 * kilobyte-long request and reply envelopes of the queues cost a sixth of the JVM's CPU per call;
 * {@link String#getBytes} and {@code new String(bytes, UTF_8)} copy ASCII and Latin-1 text with
 * vector instructions.
 */
public final class Utf8Codec implements RedisCodec<String, String> {

	/** The codec. */
	public static final Utf8Codec INSTANCE = new Utf8Codec();

	private Utf8Codec() {
	}

	@Override
	public String decodeKey(ByteBuffer bytes) {
		return decode(bytes);
	}

	@Override
	public String decodeValue(ByteBuffer bytes) {
		return decode(bytes);
	}

	@Override
	public ByteBuffer encodeKey(String key) {
		return encode(key);
	}

	@Override
	public ByteBuffer encodeValue(String value) {
		return encode(value);
	}

	private static ByteBuffer encode(String text) {
		return (text != null) ? ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)) : ByteBuffer.allocate(0);
	}

	private static String decode(ByteBuffer bytes) {
		if (bytes.hasArray()) {
			return new String(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining(),
					StandardCharsets.UTF_8);
		}
		// Read without moving the buffer's position: Lettuce owns it.
		byte[] copy = new byte[bytes.remaining()];
		bytes.get(bytes.position(), copy);
		return new String(copy, StandardCharsets.UTF_8);
	}

}
