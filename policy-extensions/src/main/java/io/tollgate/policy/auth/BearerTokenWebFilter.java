package io.tollgate.policy.auth;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.BearerTokenErrorCodes;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.identity.Caller;

/**
 * Bearer-token authentication on the gateway's request path, in one filter: the token
 * from {@code Authorization: Bearer} (RFC 6750 section 2.1), validated by Spring
 * Security's decoder (with Tollgate's limits, validators and cache around it), and the
 * {@link Caller} bound to the exchange for every later policy. No security context,
 * authentication object or Reactor context entry is built per request: a hot token costs
 * a cache lookup. Requests without a bearer token pass unauthenticated; routes decide
 * whether they need a caller ({@link RouteAuthenticationFilter}). A bad token gets 401
 * {@code invalid_token} on every route, public ones included, as before routing.
 */
public final class BearerTokenWebFilter implements WebFilter, Ordered {

	/**
	 * Where Spring Security's filter chain would authenticate (-100), before
	 * {@link CallerWebFilter}.
	 */
	public static final int ORDER = -95;

	private final ReactiveJwtDecoder decoder;

	/** The decoder's cache of validated tokens, when it has one. */
	@Nullable
	private final CachingJwtDecoder cache;

	public BearerTokenWebFilter(ReactiveJwtDecoder decoder) {
		this.decoder = decoder;
		this.cache = decoder instanceof CachingJwtDecoder caching ? caching : null;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
			// no credentials, or another scheme: not ours to judge (routes may still
			// require a caller)
			return chain.filter(exchange);
		}
		String token = authorization.substring(7);
		if (!isB64Token(token)) {
			return BearerChallenge.error(exchange, HttpStatus.UNAUTHORIZED, BearerTokenErrorCodes.INVALID_TOKEN,
					"Bearer token is malformed");
		}
		if (this.cache != null) {
			Caller hot = this.cache.cachedCaller(token);
			if (hot != null) {
				hot.bind(exchange);
				return chain.filter(exchange);
			}
		}
		return this.decoder.decode(token).map(jwt -> {
			Caller.fromJwt(jwt).bind(exchange);
			return jwt;
		})
			.switchIfEmpty(Mono.error(() -> new BadJwtException("The token could not be validated")))
			.onErrorResume(ex -> invalid(exchange, ex).then(Mono.<Jwt>empty()))
			.flatMap(jwt -> chain.filter(exchange));
	}

	private static Mono<Void> invalid(ServerWebExchange exchange, Throwable ex) {
		// as Spring Security's JwtReactiveAuthenticationManager words it; anything else
		// the
		// decoder fails with (an identity provider not reachable yet) is still the
		// token's
		// refusal, never a server error
		String description = ex instanceof BadJwtException && ex.getMessage() != null ? ex.getMessage()
				: "Failed to validate the token";
		return BearerChallenge.error(exchange, HttpStatus.UNAUTHORIZED, BearerTokenErrorCodes.INVALID_TOKEN,
				description);
	}

	/** {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="} */
	static boolean isB64Token(String token) {
		int n = token.length();
		int i = 0;
		while (i < n && b64Char(token.charAt(i))) {
			i++;
		}
		if (i == 0) {
			return false;
		}
		while (i < n && token.charAt(i) == '=') {
			i++;
		}
		return i == n;
	}

	private static boolean b64Char(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
				|| c == '_' || c == '~' || c == '+' || c == '/';
	}

}
