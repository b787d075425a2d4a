package io.tollgate.policy.identity;

import java.util.List;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Removes client values of every {@link IdentityHeaders identity header} from every
 * request, on every route (public ones included), before Spring Security, routing and any
 * route filter. A header set later by the gateway (ClaimsToHeaders,
 * {@code AddRequestHeader}) is then the only value of its name.
 *
 * <p>
 * The names of routes' {@code ClaimsToHeaders} are registered when routes are built. The
 * server may accept a request before the first build, so until one has completed the
 * filter waits for the route locator first.
 */
public final class IdentityHeadersWebFilter implements WebFilter, Ordered {

	/** After the request-framing checks, before Spring Security (-100). */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private final IdentityHeaders identityHeaders;

	private final Mono<Void> routesBuilt;

	private volatile boolean ready;

	/**
	 * @param routesBuilt completes once routes have been built (for example
	 * {@code routeLocator.getRoutes().then()}); its errors are ignored
	 */
	public IdentityHeadersWebFilter(IdentityHeaders identityHeaders, Mono<Void> routesBuilt) {
		this.identityHeaders = identityHeaders;
		this.routesBuilt = routesBuilt.onErrorResume(ex -> Mono.empty()).doFinally(signal -> ready = true);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!ready) {
			return routesBuilt.then(Mono.defer(() -> strip(exchange, chain)));
		}
		return strip(exchange, chain);
	}

	private Mono<Void> strip(ServerWebExchange exchange, WebFilterChain chain) {
		List<String> names = identityHeaders.names();
		HttpHeaders headers = exchange.getRequest().getHeaders();
		boolean present = false;
		for (String name : names) {
			if (headers.containsHeader(name)) {
				present = true;
				break;
			}
		}
		if (!present) {
			return chain.filter(exchange);
		}
		ServerHttpRequest request = exchange.getRequest().mutate().headers(h -> names.forEach(h::remove)).build();
		return chain.filter(exchange.mutate().request(request).build());
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
