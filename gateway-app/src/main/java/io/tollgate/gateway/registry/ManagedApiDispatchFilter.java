package io.tollgate.gateway.registry;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Runs after {@code RouteToRequestUrlFilter} (which only knows the managed route's
 * placeholder URI): sets the API's upstream URL, then its rate limiter and breaker, which
 * wrap the rest of the chain like a route's own filters.
 */
final class ManagedApiDispatchFilter implements GatewayFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ManagedMatch match = exchange.getAttribute(ManagedMatch.ATTRIBUTE);
		if (match == null) {
			return chain.filter(exchange);
		}
		CompiledApi api = match.api();
		exchange.getAttributes()
			.put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, api.upstreamUrl(exchange, match.consumed()));
		return api.limitAndCall(exchange, chain);
	}

	@Override
	public String toString() {
		return "ManagedApiDispatch";
	}

}
