package io.tollgate.gateway.cluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Closed-loop HTTP load for the cluster tests: each worker thread sends one request after
 * the other (with a pause), through the load balancer, and every answer that is not the
 * expected status, and every I/O error, is recorded with its time.
 */
final class LoadGenerator implements AutoCloseable {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final List<Thread> workers = new ArrayList<>();

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final LongAdder sent = new LongAdder();

	private final LongAdder ok = new LongAdder();

	private final Queue<String> errors = new ConcurrentLinkedQueue<>();

	private final Map<String, LongAdder> servedBy = new ConcurrentHashMap<>();

	private final Map<String, LongAdder> okByName = new ConcurrentHashMap<>();

	/**
	 * Adds {@code threads} workers sending {@code request} and expecting {@code status},
	 * pausing {@code pause} between requests; counted under {@code name}.
	 */
	LoadGenerator workers(String name, int threads, Supplier<HttpRequest> request, int status, Duration pause) {
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> loop(name, request, status, pause), "load-" + name + "-" + t);
			worker.setDaemon(true);
			workers.add(worker);
			worker.start();
		}
		return this;
	}

	static HttpRequest.Builder get(String url) {
		return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
	}

	private void loop(String name, Supplier<HttpRequest> request, int status, Duration pause) {
		while (running.get()) {
			HttpRequest req = request.get();
			Instant start = Instant.now();
			sent.increment();
			try {
				HttpResponse<String> res = client.send(req, HttpResponse.BodyHandlers.ofString());
				res.headers()
					.firstValue("X-Served-By")
					.ifPresent(s -> servedBy.computeIfAbsent(s, k -> new LongAdder()).increment());
				if (res.statusCode() == status) {
					ok.increment();
					okByName.computeIfAbsent(name, k -> new LongAdder()).increment();
				}
				else {
					errors.add(start + " " + req.method() + " " + req.uri().getPath() + " -> " + res.statusCode() + " "
							+ res.headers().firstValue("X-Served-By").orElse("") + " " + abbreviate(res.body()));
				}
			}
			catch (java.io.IOException ex) {
				errors.add(start + " " + req.method() + " " + req.uri().getPath() + " -> " + ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			pause(pause);
		}
	}

	private static String abbreviate(String body) {
		return body.length() > 200 ? body.substring(0, 200) + "..." : body;
	}

	private static void pause(Duration pause) {
		if (pause.isZero()) {
			return;
		}
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	long sent() {
		return sent.sum();
	}

	long ok() {
		return ok.sum();
	}

	long ok(String name) {
		LongAdder n = okByName.get(name);
		return n == null ? 0 : n.sum();
	}

	List<String> errors() {
		return List.copyOf(errors);
	}

	Map<String, Long> servedBy() {
		Map<String, Long> copy = new java.util.TreeMap<>();
		servedBy.forEach((k, v) -> copy.put(k, v.sum()));
		return copy;
	}

	/** Stops the workers once their current request is answered. */
	@Override
	public void close() {
		running.set(false);
		for (Thread worker : workers) {
			try {
				worker.join(Duration.ofSeconds(40).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
