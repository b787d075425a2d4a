package io.tollgate.testsupport.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Minimal blocking RESP2 client for the harness' own housekeeping (PING, FLUSHALL,
 * CLUSTER INFO), so the harness does not depend on Lettuce. One connection per call: it
 * is only used outside the measured path.
 *
 * <p>
 * Replies map to: simple string / bulk string to {@link String}, integer to {@link Long},
 * array to {@link List}, nil to {@code null}; an error reply is thrown as
 * {@link Resp.ErrorReply}.
 */
public final class Resp {

	/** An error reply ({@code -ERR ...}) returned by the server. */
	public static final class ErrorReply extends IOException {

		ErrorReply(String message) {
			super(message);
		}

	}

	private Resp() {
	}

	/**
	 * Sends one command to {@code host:port} and returns the decoded reply (timeout 2s).
	 */
	public static Object command(String host, int port, String... args) throws IOException {
		return command(host, port, null, 2000, args);
	}

	/**
	 * As {@link #command(String, int, String...)}, authenticating first when
	 * {@code password} is not null.
	 */
	public static Object command(String host, int port, String password, int timeoutMillis, String... args)
			throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
			socket.setTcpNoDelay(true);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			if (password != null) {
				write(out, "AUTH", password);
				read(in);
			}
			write(out, args);
			return read(in);
		}
	}

	/** True when {@code PING} answers {@code PONG} within the timeout. */
	public static boolean ping(String host, int port, String password) {
		try {
			return "PONG".equals(command(host, port, password, 500, "PING"));
		}
		catch (IOException e) {
			return false;
		}
	}

	/** True when a TCP connection to {@code host:port} is refused or times out. */
	public static boolean refuses(String host, int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), 200);
			return false;
		}
		catch (IOException e) {
			return true;
		}
	}

	private static void write(OutputStream out, String... args) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			buf.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			buf.writeBytes(bytes);
			buf.writeBytes(new byte[] { '\r', '\n' });
		}
		out.write(buf.toByteArray());
		out.flush();
	}

	private static Object read(InputStream in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("connection closed by server");
		}
		String line = readLine(in);
		switch (type) {
			case '+':
				return line;
			case '-':
				throw new ErrorReply(line);
			case ':':
				return Long.parseLong(line);
			case '$': {
				int len = Integer.parseInt(line);
				if (len < 0) {
					return null;
				}
				byte[] data = in.readNBytes(len + 2);
				if (data.length < len + 2) {
					throw new EOFException("truncated bulk string");
				}
				return new String(data, 0, len, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = Integer.parseInt(line);
				if (count < 0) {
					return null;
				}
				List<Object> items = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					try {
						items.add(read(in));
					}
					catch (ErrorReply e) {
						items.add(e);
					}
				}
				return items;
			}
			default:
				throw new IOException("unexpected RESP type byte '" + (char) type + "'");
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) >= 0) {
			if (b == '\r') {
				int next = in.read();
				if (next == '\n') {
					return line.toString(StandardCharsets.UTF_8);
				}
				line.write(b);
				if (next < 0) {
					break;
				}
				line.write(next);
				continue;
			}
			line.write(b);
		}
		throw new EOFException("connection closed mid-reply");
	}

}
