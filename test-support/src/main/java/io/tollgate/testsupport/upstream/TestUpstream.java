package io.tollgate.testsupport.upstream;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.tollgate.testsupport.internal.Json;
import io.tollgate.testsupport.internal.LoopbackHttpServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * An echo HTTP backend on a free loopback port. Every request, any method and path, is
 * answered (by default 200) with JSON
 * {@code {"method":..,"path":..,"query":..,"headers":{lower-cased name: value, or list
 * when repeated},"body":..}}. It can be switched to another status, to answer late, or to
 * close connections without answering.
 *
 * <p>
 * Use as
 * {@code @RegisterExtension static final TestUpstream upstream = new TestUpstream();} or
 * by hand ({@link #start()}, {@link #close()}). {@link #uri()} and {@link #port()} start
 * it when it never ran.
 */
public final class TestUpstream implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

	private static final int HISTORY = 256;

	private final LongAdder total = new LongAdder();

	private final Map<String, LongAdder> byPath = new ConcurrentHashMap<>();

	private final Deque<RecordedRequest> recent = new ConcurrentLinkedDeque<>();

	private final AtomicInteger recentSize = new AtomicInteger();

	private volatile RecordedRequest last;

	private volatile int status = 200;

	private volatile Duration delay = Duration.ZERO;

	private volatile boolean closeConnections;

	private final LoopbackHttpServer http = new LoopbackHttpServer("test-upstream",
			Math.max(2, Runtime.getRuntime().availableProcessors()), this::handle);

	private String ownerContextId;

	// ---- lifecycle

	@Override
	public void beforeAll(ExtensionContext context) {
		synchronized (this) {
			if (!http.isBound() && ownerContextId == null) {
				start();
				ownerContextId = context.getUniqueId();
			}
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (context.getUniqueId().equals(ownerContextId)) {
			close();
		}
	}

	/**
	 * Binds on a free loopback port the first time, on the same port after
	 * {@link #stop()}. Idempotent.
	 */
	public synchronized TestUpstream start() {
		http.start();
		return this;
	}

	/** Unbinds (connections get refused); {@link #start()} binds the same port again. */
	public synchronized void stop() {
		http.stop();
	}

	/** Stops for good and releases the event loop threads. */
	@Override
	public synchronized void close() {
		http.close();
		ownerContextId = null;
	}

	private int ensureStarted() {
		return http.ensureStarted();
	}

	// ---- behaviour switches

	/**
	 * Answers every request with {@code status} (body still the echo JSON) until
	 * {@link #reset()}.
	 */
	public void respondWith(int status) {
		HttpResponseStatus.valueOf(status);
		this.status = status;
	}

	/** Delays every answer by {@code delay}; {@link Duration#ZERO} for none. */
	public void delay(Duration delay) {
		this.delay = delay == null ? Duration.ZERO : delay;
	}

	/** When true the connection of every request is closed without any response. */
	public void closeConnections(boolean close) {
		this.closeConnections = close;
	}

	/**
	 * Back to 200, no delay, answering; zeroes counters and forgets recorded requests.
	 */
	public void reset() {
		status = 200;
		delay = Duration.ZERO;
		closeConnections = false;
		total.reset();
		byPath.clear();
		recent.clear();
		recentSize.set(0);
		last = null;
	}

	// ---- observations

	/** {@code 127.0.0.1} port (starts the server if it never ran). */
	public int port() {
		return ensureStarted();
	}

	/** {@code http://127.0.0.1:port} (starts the server if it never ran). */
	public URI uri() {
		return URI.create("http://127.0.0.1:" + ensureStarted());
	}

	/** {@code "http://127.0.0.1:port"} (starts the server if it never ran). */
	public String url() {
		return uri().toString();
	}

	/**
	 * Requests received since start or {@link #reset()} (also those closed or failed on
	 * purpose).
	 */
	public long requestCount() {
		return total.sum();
	}

	/** Requests received whose path starts with {@code pathPrefix}. */
	public long requestCount(String pathPrefix) {
		long sum = 0;
		for (Map.Entry<String, LongAdder> e : byPath.entrySet()) {
			if (e.getKey().startsWith(pathPrefix)) {
				sum += e.getValue().sum();
			}
		}
		return sum;
	}

	/** Headers of the last request (lower-cased names), or an empty map when none. */
	public Map<String, List<String>> lastRequestHeaders() {
		RecordedRequest r = last;
		return r == null ? Map.of() : r.headers();
	}

	/** The last request, or null. */
	public RecordedRequest lastRequest() {
		return last;
	}

	/** Up to the last 256 requests, oldest first. */
	public List<RecordedRequest> recentRequests() {
		return List.copyOf(recent);
	}

	// ---- HTTP

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			.flatMap(body -> answer(request, response, body));
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response, String body) {
		String uri = request.uri();
		int q = uri.indexOf('?');
		String path = q < 0 ? uri : uri.substring(0, q);
		String query = q < 0 ? "" : uri.substring(q + 1);
		Map<String, List<String>> headers = new LinkedHashMap<>();
		request.requestHeaders()
			.forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
				.add(h.getValue()));
		headers.replaceAll((k, v) -> Collections.unmodifiableList(v));
		RecordedRequest recorded = new RecordedRequest(request.method().name(), path, query,
				Collections.unmodifiableMap(headers), body);
		record(recorded);

		Duration d = delay;
		Mono<Void> reply = Mono.defer(() -> {
			if (closeConnections) {
				response.withConnection(Connection::dispose);
				return Mono.<Void>empty();
			}
			byte[] json = Json.write(echo(recorded)).getBytes(StandardCharsets.UTF_8);
			return response.status(status)
				.header("Content-Type", "application/json")
				.header("Content-Length", String.valueOf(json.length))
				.sendByteArray(Mono.just(json))
				.then();
		});
		return d.isZero() ? reply : Mono.delay(d).then(reply);
	}

	private void record(RecordedRequest r) {
		total.increment();
		byPath.computeIfAbsent(r.path(), p -> new LongAdder()).increment();
		last = r;
		recent.addLast(r);
		if (recentSize.incrementAndGet() > HISTORY && recent.pollFirst() != null) {
			recentSize.decrementAndGet();
		}
	}

	private static Map<String, Object> echo(RecordedRequest r) {
		Map<String, Object> headers = new LinkedHashMap<>();
		r.headers().forEach((name, values) -> headers.put(name, values.size() == 1 ? values.get(0) : values));
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("method", r.method());
		json.put("path", r.path());
		json.put("query", r.query());
		json.put("headers", headers);
		json.put("body", r.body());
		return json;
	}

	@Override
	public String toString() {
		return "TestUpstream[" + (http.boundPort() == 0 ? "not started" : "http://127.0.0.1:" + http.boundPort()) + "]";
	}

}
