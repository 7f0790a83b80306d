package dev.imageworker.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

import dev.imageworker.core.SourceObject;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * A source object whose download has begun: its version and size are known from the
 * response headers before any of its bytes is read, so one GET serves both the checks and
 * the download, and the bytes read are those of the version checked. Closing it unread
 * aborts the transfer rather than draining it.
 */
public final class SourceDownload implements AutoCloseable {

	private final ResponseInputStream<GetObjectResponse> body;

	private final SourceObject source;

	private boolean read;

	SourceDownload(ResponseInputStream<GetObjectResponse> body) {
		this.body = body;
		GetObjectResponse response = body.response();
		// S3 returns every object with its ETag.
		this.source = new SourceObject(Objects.requireNonNull(ImageStore.unquote(response.eTag())),
				response.contentLength(), response.lastModified(), response.metadata());
	}

	public SourceObject source() {
		return this.source;
	}

	/**
	 * Reads the whole object into an array of its announced size.
	 * @throws UncheckedIOException when the transfer breaks off
	 */
	public byte[] readAll() {
		byte[] bytes = new byte[Math.toIntExact(this.source.bytes())];
		try {
			int read = this.body.readNBytes(bytes, 0, bytes.length);
			if (read != bytes.length) {
				throw new EOFException("the source ended after " + read + " of " + bytes.length + " bytes");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.read = true;
		return bytes;
	}

	@Override
	public void close() {
		if (!this.read) {
			this.body.abort();
		}
		try {
			this.body.close();
		}
		catch (IOException ex) {
			// Aborted or read to the end: nothing is left to release.
		}
	}

}
