package io.tollgate.policy.route;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A filter that says what it does: the routes actuator ({@code /actuator/gateway/routes})
 * shows {@link #toString()}, not a lambda's class name.
 */
public final class DescribedGatewayFilter implements GatewayFilter {

	private final String description;

	private final GatewayFilter delegate;

	private DescribedGatewayFilter(String description, GatewayFilter delegate) {
		this.description = description;
		this.delegate = delegate;
	}

	/** {@code [Name key = value, ...]}, as Spring Cloud Gateway's own filters read. */
	public static GatewayFilter of(String description, GatewayFilter delegate) {
		return new DescribedGatewayFilter("[" + description + "]", delegate);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return this.delegate.filter(exchange, chain);
	}

	@Override
	public String toString() {
		return this.description;
	}

}
