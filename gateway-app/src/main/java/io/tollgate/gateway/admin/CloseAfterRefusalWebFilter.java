package io.tollgate.gateway.admin;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * On the management port, a refusal (4xx, 5xx) of a request that carries a body closes
 * the connection after the answer. The body may not have been read (a missing token, a
 * bad precondition), and some HTTP clients (the JDK's among them) still write it, or
 * reuse the connection, after an early answer; closing leaves nothing to interpret. An
 * Admin API client reconnects; the cost is one handshake per refused write.
 */
final class CloseAfterRefusalWebFilter implements WebFilter, Ordered {

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (hasBody(exchange.getRequest())) {
			exchange.getResponse().beforeCommit(() -> {
				HttpStatusCode status = exchange.getResponse().getStatusCode();
				if (status != null && status.value() >= 400) {
					exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
				}
				return Mono.empty();
			});
		}
		return chain.filter(exchange);
	}

	private static boolean hasBody(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

}
