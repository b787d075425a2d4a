package io.tollgate.policy.auth;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.server.resource.BearerTokenError;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Security's bearer entry point, with an RFC 9457 problem body instead of an empty
 * one.
 */
public final class ProblemBearerEntryPoint implements ServerAuthenticationEntryPoint {

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		if (ex instanceof OAuth2AuthenticationException oauth) {
			OAuth2Error error = oauth.getError();
			HttpStatus status = error instanceof BearerTokenError bearer ? bearer.getHttpStatus()
					: HttpStatus.UNAUTHORIZED;
			if (status == null) {
				status = HttpStatus.UNAUTHORIZED;
			}
			String description = error.getDescription() != null ? error.getDescription() : "Invalid token";
			return BearerChallenge.error(exchange, status, error.getErrorCode(), description);
		}
		return BearerChallenge.missingToken(exchange);
	}

}
