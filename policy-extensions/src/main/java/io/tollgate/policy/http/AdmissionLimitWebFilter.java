package io.tollgate.policy.http;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Load shedding: at most {@code tollgate.http.max-concurrent-requests} requests in flight
 * on this replica's data port; the next one gets 503 problem+json with
 * {@code Retry-After: 1} at once instead of queueing without bound, so the requests
 * admitted keep their latency under overload. The management port (health, Admin API) is
 * never shed.
 */
public final class AdmissionLimitWebFilter
		implements WebFilter, Ordered, ApplicationListener<WebServerInitializedEvent> {

	/** Just after the framing checks: a shed request costs nothing more. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

	private final int max;

	private final Refusals refusals;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** The data port, once the server listens; -1 before. */
	private volatile int dataPort = -1;

	public AdmissionLimitWebFilter(int max, Refusals refusals) {
		this.max = max;
		this.refusals = refusals;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) {
			this.dataPort = event.getWebServer().getPort();
		}
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		if (local != null && this.dataPort > 0 && local.getPort() != this.dataPort) {
			return chain.filter(exchange);
		}
		if (this.inFlight.incrementAndGet() > this.max) {
			this.inFlight.decrementAndGet();
			this.refusals.record(Refusal.OVERLOADED, exchange.getRequest().getRemoteAddress());
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
			return ProblemResponses.write(exchange, Refusal.OVERLOADED.status(),
					ProblemResponses.title(Refusal.OVERLOADED.status()), Refusal.OVERLOADED.detail(), null);
		}
		return chain.filter(exchange).doFinally(signal -> this.inFlight.decrementAndGet());
	}

	/** Requests in flight on the data port now. */
	public int inFlight() {
		return this.inFlight.get();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
