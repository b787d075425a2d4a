package io.tollgate.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as written over a plain socket and reads what comes back until
 * close or timeout.
 */
public final class RawHttp {

	private RawHttp() {
	}

	public static String exchange(int port, String request) throws IOException {
		return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
	}

	public static String exchange(int port, byte[] request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(3000);
			OutputStream out = socket.getOutputStream();
			out.write(request);
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream buf = new ByteArrayOutputStream();
			byte[] chunk = new byte[8192];
			try {
				int n;
				while ((n = in.read(chunk)) != -1) {
					buf.write(chunk, 0, n);
				}
			}
			catch (SocketTimeoutException | java.net.SocketException ex) {
				// server kept the connection open (or reset it): return what was read
			}
			return buf.toString(StandardCharsets.ISO_8859_1);
		}
	}

	/** The status code of the first response in the text, or -1. */
	public static int status(String response) {
		if (!response.startsWith("HTTP/1.")) {
			return -1;
		}
		return Integer.parseInt(response.substring(9, 12));
	}

	/** Number of HTTP responses in the text. */
	public static int responses(String response) {
		int count = 0;
		int i = 0;
		while ((i = response.indexOf("HTTP/1.1 ", i)) >= 0) {
			count++;
			i += 9;
		}
		return count;
	}

}
