package io.tollgate.policy.net;

import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Refuses requests whose framing is ambiguous before anything else sees them: a
 * {@code Transfer-Encoding} other than exactly {@code chunked} gives 400 and closes the
 * connection (request smuggling defence, RFC 9112 section 6.1). Netty itself already
 * rejects {@code Content-Length} together with {@code Transfer-Encoding} and conflicting
 * lengths.
 */
public final class RequestFramingWebFilter implements WebFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		List<String> te = exchange.getRequest().getHeaders().get(HttpHeaders.TRANSFER_ENCODING);
		if (te == null) {
			return chain.filter(exchange);
		}
		if (te.size() == 1 && "chunked".equalsIgnoreCase(te.get(0).trim())
				&& !exchange.getRequest().getHeaders().containsHeader(HttpHeaders.CONTENT_LENGTH)) {
			return chain.filter(exchange);
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		return ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "Bad Request",
				"Unsupported or malformed Transfer-Encoding", null);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
