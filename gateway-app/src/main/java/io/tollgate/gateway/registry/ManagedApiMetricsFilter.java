package io.tollgate.gateway.registry;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Times every request to a managed API, whatever answers it (the API's own refusals, the
 * upstream, an error), into {@code tollgate.api.requests}. Runs before the response is
 * written (it wraps the gateway's response writer), so the time covers the whole
 * exchange. A request the client abandons is not recorded.
 */
final class ManagedApiMetricsFilter implements GatewayFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ManagedMatch match = exchange.getAttribute(ManagedMatch.ATTRIBUTE);
		if (match == null) {
			return chain.filter(exchange);
		}
		ApiMetrics.Meters meters = match.api().meters();
		long start = System.nanoTime();
		return chain.filter(exchange)
			.doOnSuccess(done -> meters.record(status(exchange), System.nanoTime() - start))
			.doOnError(ex -> meters.record(errorStatus(exchange, ex), System.nanoTime() - start));
	}

	private static int status(ServerWebExchange exchange) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		return status == null ? 200 : status.value();
	}

	/** What the error handler will answer: its status, or a server error. */
	private static int errorStatus(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof ResponseStatusException rse) {
			return rse.getStatusCode().value();
		}
		if (exchange.getResponse().isCommitted()) {
			return status(exchange);
		}
		return 500;
	}

	@Override
	public String toString() {
		return "ManagedApiMetrics";
	}

}
