package io.execution.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip for bodies in both directions, with the payload limit applied to what a body inflates to.
 */
public final class Gzip {

	private Gzip() {
	}

	/**
	 * Compresses a body.
	 * @param body the body
	 * @return the compressed body
	 */
	public static byte[] compress(byte[] body) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
		try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
			gzip.write(body);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * Reads a compressed stream, refusing to inflate past the limit.
	 * @param in the compressed stream
	 * @param limit the most bytes the body may inflate to
	 * @return the body, or {@code null} when it inflates past the limit
	 * @throws IOException when the stream is not valid gzip
	 */
	public static byte[] decompress(InputStream in, long limit) throws IOException {
		try (GZIPInputStream gzip = new GZIPInputStream(in, 8192)) {
			return Bodies.read(gzip, limit);
		}
	}

	/**
	 * Bounded reading of bodies.
	 */
	public static final class Bodies {

		private Bodies() {
		}

		/**
		 * Reads a stream whole, up to a limit.
		 * @param in the stream
		 * @param limit the most bytes to accept
		 * @return the bytes, or {@code null} when the stream holds more than the limit
		 * @throws IOException when reading fails
		 */
		public static byte[] read(InputStream in, long limit) throws IOException {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[8192];
			long total = 0;
			int read;
			while ((read = in.read(buffer)) != -1) {
				total += read;
				if (total > limit) {
					return null;
				}
				out.write(buffer, 0, read);
			}
			return out.toByteArray();
		}

	}

}
