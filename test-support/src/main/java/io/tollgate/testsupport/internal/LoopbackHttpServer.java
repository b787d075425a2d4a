package io.tollgate.testsupport.internal;

import java.time.Duration;
import java.util.function.BiFunction;

import org.reactivestreams.Publisher;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A Reactor Netty HTTP server on 127.0.0.1 with its own event loop, for the harness's
 * fake peers: binds a free port the first time and the same port after {@link #stop()},
 * so a peer can go down and come back where clients expect it.
 */
public final class LoopbackHttpServer {

	private final String name;

	private final int workers;

	private final BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>> handler;

	private int port;

	private LoopResources loops;

	private DisposableServer server;

	public LoopbackHttpServer(String name, int workers,
			BiFunction<? super HttpServerRequest, ? super HttpServerResponse, ? extends Publisher<Void>> handler) {
		this.name = name;
		this.workers = workers;
		this.handler = handler;
	}

	/** Binds (idempotent). */
	public synchronized void start() {
		if (server != null) {
			return;
		}
		if (loops == null) {
			loops = LoopResources.create(name, 1, workers, true);
		}
		server = port != 0 ? bind(port) : bindOnFreshPort();
		port = server.port();
	}

	// Ports from FreePorts (outside the ephemeral range), so a restart on the same port
	// does not race outgoing sockets.
	private DisposableServer bindOnFreshPort() {
		for (int attempt = 1;; attempt++) {
			try {
				return bind(FreePorts.pick());
			}
			catch (RuntimeException e) {
				if (attempt == 5) {
					throw e;
				}
			}
		}
	}

	private DisposableServer bind(int p) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(p)
			.runOn(loops)
			.handle(handler)
			.bindNow(Duration.ofSeconds(10));
	}

	/** Unbinds (connections get refused); {@link #start()} binds the same port again. */
	public synchronized void stop() {
		if (server != null) {
			server.disposeNow(Duration.ofSeconds(5));
			server = null;
		}
	}

	/**
	 * Stops for good and releases the event loop threads (called from test threads, never
	 * from an event loop).
	 */
	public synchronized void close() {
		stop();
		if (loops != null) {
			loops.disposeLater(Duration.ZERO, Duration.ofSeconds(5)).block(Duration.ofSeconds(6));
			loops = null;
		}
	}

	public synchronized boolean isBound() {
		return server != null;
	}

	/** The port, starting the server if it never ran. */
	public synchronized int ensureStarted() {
		if (port == 0) {
			start();
		}
		return port;
	}

	/** The port, 0 if it never ran. */
	public synchronized int boundPort() {
		return port;
	}

}
