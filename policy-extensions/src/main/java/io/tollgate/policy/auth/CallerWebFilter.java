package io.tollgate.policy.auth;

import org.springframework.core.Ordered;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.identity.Caller;

/**
 * Runs after Spring Security's authentication and binds the authenticated {@link Caller}
 * to the exchange, where route predicates and filters read it without touching the
 * Reactor context.
 */
public final class CallerWebFilter implements WebFilter, Ordered {

	/**
	 * Just after Spring Security's filter chain (order -100), which has authenticated the
	 * caller.
	 */
	public static final int ORDER = -90;

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getAttributes().containsKey(Caller.ATTRIBUTE)
				|| !exchange.getRequest().getHeaders().containsHeader("Authorization")) {
			return chain.filter(exchange);
		}
		return ReactiveSecurityContextHolder.getContext().map(SecurityContext::getAuthentication).doOnNext(auth -> {
			if (auth instanceof JwtAuthenticationToken jwtAuth) {
				Caller.fromJwt(jwtAuth.getToken()).bind(exchange);
			}
		}).then(chain.filter(exchange));
	}

}
