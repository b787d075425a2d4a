package io.tollgate.gateway.admin;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.policy.auth.BearerChallenge;
import io.tollgate.policy.auth.Scopes;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * Checks the bearer token of an operator's call with the application's
 * {@link ReactiveJwtDecoder} (nothing else is trusted: no header, no session, no other
 * authentication) and the scope the call needs. Answers 401 without a valid token, 403
 * without the scope (RFC 6750 challenges, problem bodies) and 503 when no JWT validation
 * is configured at all.
 */
final class AdminAuthorization {

	static final String ISSUER_URI_PROPERTY = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

	static final String JWK_SET_URI_PROPERTY = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

	private final ObjectProvider<ReactiveJwtDecoder> decoder;

	private final String what;

	private final boolean subjectRequired;

	private final ServerBearerTokenAuthenticationConverter tokens = new ServerBearerTokenAuthenticationConverter();

	/**
	 * @param decoder the application's decoder, absent when no JWT validation is
	 * configured
	 * @param what what is protected, for the 503 message ("The Admin API")
	 * @param subjectRequired whether the token must name its subject (the audit's actor)
	 */
	AdminAuthorization(ObjectProvider<ReactiveJwtDecoder> decoder, String what, boolean subjectRequired) {
		this.decoder = decoder;
		this.what = what;
		this.subjectRequired = subjectRequired;
	}

	/**
	 * Runs {@code granted} with the validated token when it carries {@code scope};
	 * otherwise completes the exchange with the refusal.
	 */
	Mono<Void> authorize(ServerWebExchange exchange, AdminScope scope, Function<Jwt, Mono<Void>> granted) {
		ReactiveJwtDecoder jwtDecoder = this.decoder.getIfAvailable();
		if (jwtDecoder == null) {
			return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
					this.what + " needs JWT validation: set " + ISSUER_URI_PROPERTY + " or " + JWK_SET_URI_PROPERTY,
					Map.of("property", ISSUER_URI_PROPERTY));
		}
		return this.tokens.convert(exchange)
			.map(authentication -> ((BearerTokenAuthenticationToken) authentication).getToken())
			.flatMap(token -> jwtDecoder.decode(token)
				.map(Verdict::valid)
				.onErrorResume(JwtException.class,
						ex -> Mono.just(ex instanceof BadJwtException ? Verdict.rejected("The token is not valid")
								: Verdict.keysUnavailable())))
			.onErrorResume(OAuth2AuthenticationException.class, ex -> Mono.just(Verdict.badRequest(ex)))
			.defaultIfEmpty(Verdict.MISSING)
			.flatMap(verdict -> decide(exchange, scope, verdict, granted));
	}

	private Mono<Void> decide(ServerWebExchange exchange, AdminScope scope, Verdict verdict,
			Function<Jwt, Mono<Void>> granted) {
		if (verdict == Verdict.MISSING) {
			return BearerChallenge.missingToken(exchange);
		}
		if (verdict.malformed != null) {
			return BearerChallenge.error(exchange, HttpStatus.BAD_REQUEST, "invalid_request", verdict.malformed);
		}
		if (verdict.unavailable) {
			return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
					"The token could not be validated now (signing keys unavailable)", null);
		}
		Jwt jwt = verdict.jwt;
		if (jwt == null) {
			return BearerChallenge.error(exchange, HttpStatus.UNAUTHORIZED, "invalid_token", verdict.invalid);
		}
		if (this.subjectRequired && (jwt.getSubject() == null || jwt.getSubject().isBlank())) {
			return BearerChallenge.error(exchange, HttpStatus.UNAUTHORIZED, "invalid_token",
					"The token has no subject (sub): the audit needs one");
		}
		Set<String> scopes = Scopes.of(jwt);
		if (!scope.grantedBy(scopes)) {
			return BearerChallenge.insufficientScope(exchange, scope.scope());
		}
		return granted.apply(jwt);
	}

	private record Verdict(@Nullable Jwt jwt, @Nullable String invalid, @Nullable String malformed,
			boolean unavailable) {

		static final Verdict MISSING = new Verdict(null, null, null, false);

		static Verdict valid(Jwt jwt) {
			return new Verdict(jwt, null, null, false);
		}

		static Verdict rejected(String why) {
			return new Verdict(null, why, null, false);
		}

		static Verdict badRequest(OAuth2AuthenticationException ex) {
			String description = ex.getError().getDescription();
			return new Verdict(null, null, description != null ? description : "Malformed Authorization header", false);
		}

		static Verdict keysUnavailable() {
			return new Verdict(null, null, null, true);
		}

	}

}
