package io.tollgate.gateway.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Slow requests sent straight to one replica (not through the load balancer), one
 * connection each, back to back on a few threads, so some are in flight whenever the
 * replica begins to stop. Each attempt is recorded: refused (nothing listening), or the
 * status and the times it was sent and answered, or the I/O error.
 */
final class DirectProbe implements AutoCloseable {

	record Attempt(Instant start, Instant end, boolean refused, int status, String error) {

		boolean succeeded() {
			return status == 200;
		}

	}

	private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Thread> threads = new ArrayList<>();

	DirectProbe(int port, String path, int threads, Duration stagger) {
		for (int t = 0; t < threads; t++) {
			long offset = stagger.toMillis() * t;
			Thread thread = new Thread(() -> loop(port, path, offset), "probe-" + port + "-" + t);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void loop(int port, String path, long offsetMillis) {
		sleep(offsetMillis);
		while (running.get()) {
			Attempt a = attempt(port, path);
			attempts.add(a);
			if (a.refused()) {
				sleep(100);
			}
		}
	}

	private static Attempt attempt(int port, String path) {
		Instant start = Instant.now();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(20_000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.ISO_8859_1));
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream buf = new ByteArrayOutputStream();
			byte[] chunk = new byte[4096];
			int n;
			while ((n = in.read(chunk)) != -1) {
				buf.write(chunk, 0, n);
			}
			String response = buf.toString(StandardCharsets.ISO_8859_1);
			int status = response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : -1;
			return new Attempt(start, Instant.now(), false, status,
					status == -1 ? "no HTTP response (" + response.length() + " bytes)" : null);
		}
		catch (ConnectException ex) {
			return new Attempt(start, Instant.now(), true, -1, null);
		}
		catch (IOException ex) {
			return new Attempt(start, Instant.now(), false, -1, ex.toString());
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	List<Attempt> attempts() {
		return List.copyOf(attempts);
	}

	@Override
	public void close() {
		running.set(false);
		for (Thread t : threads) {
			try {
				t.join(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
