package io.tollgate.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

	/** A connection from {@code localAddress} (any 127.x.y.z works on Linux loopback). */
	public static Socket connect(int port, String localAddress) throws IOException {
		Socket socket = new Socket();
		socket.bind(new InetSocketAddress(localAddress, 0));
		socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
		socket.setSoTimeout(5000);
		return socket;
	}

	public static void send(Socket socket, String text) throws IOException {
		socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
	}

	/**
	 * Reads one response (head and a {@code Content-Length} body) from a connection that
	 * stays open; null when the connection closed before a complete head.
	 */
	public static String readResponse(Socket socket) throws IOException {
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				return null;
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
		}
		String text = head.toString(StandardCharsets.ISO_8859_1);
		String length = header(text, "Content-Length");
		byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length.trim()));
		return text + new String(body, StandardCharsets.ISO_8859_1);
	}

	/**
	 * Reads and discards until the server closes the connection; the milliseconds that
	 * took, or -1 when it was still open after {@code maxMillis}.
	 */
	public static long millisUntilClosed(Socket socket, long maxMillis) throws IOException {
		long start = System.nanoTime();
		long deadline = start + maxMillis * 1_000_000;
		InputStream in = socket.getInputStream();
		byte[] chunk = new byte[1024];
		while (System.nanoTime() < deadline) {
			socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
			try {
				if (in.read(chunk) < 0) {
					return (System.nanoTime() - start) / 1_000_000;
				}
			}
			catch (SocketTimeoutException ex) {
				return -1;
			}
			catch (java.net.SocketException ex) {
				return (System.nanoTime() - start) / 1_000_000; // reset: closed as well
			}
		}
		return -1;
	}

	/** The first value of header {@code name} in a response's head, or null. */
	public static String header(String response, String name) {
		List<String> values = headers(response, name);
		return values.isEmpty() ? null : values.get(0);
	}

	/** All values of header {@code name} in the first response's head. */
	public static List<String> headers(String response, String name) {
		int end = response.indexOf("\r\n\r\n");
		String head = end < 0 ? response : response.substring(0, end);
		List<String> values = new ArrayList<>();
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
				values.add(line.substring(colon + 1).trim());
			}
		}
		return values;
	}

	/** The body of the first response (everything after its head). */
	public static String body(String response) {
		int end = response.indexOf("\r\n\r\n");
		return end < 0 ? "" : response.substring(end + 4);
	}

	/** The status code of the first response in the text, or -1. */
	public static int status(String response) {
		if (response == null || !response.startsWith("HTTP/") || response.length() < 12) {
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
