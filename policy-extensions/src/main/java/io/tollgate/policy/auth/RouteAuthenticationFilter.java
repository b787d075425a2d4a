package io.tollgate.policy.auth;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.policy.identity.Caller;

/**
 * Secure by default: every route requires an authenticated caller unless its metadata
 * says {@code public: true}. Runs first among the gateway filters, after routing, so it
 * works for routes from any source (properties, Redis, Java DSL).
 */
public final class RouteAuthenticationFilter implements GlobalFilter, Ordered {

	/** Route metadata key that opens a route to anonymous callers. */
	public static final String PUBLIC_METADATA_KEY = "public";

	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
		if (route == null || isPublic(route) || exchange.getAttributes().containsKey(Caller.ATTRIBUTE)) {
			return chain.filter(exchange);
		}
		return BearerChallenge.missingToken(exchange);
	}

	public static boolean isPublic(Route route) {
		Object value = route.getMetadata().get(PUBLIC_METADATA_KEY);
		return Boolean.TRUE.equals(value) || (value instanceof String s && "true".equalsIgnoreCase(s.trim()));
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
