package io.tollgate.policy.auth;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/** RFC 6750 challenges ({@code WWW-Authenticate: Bearer ...}) with an RFC 9457 body. */
public final class BearerChallenge {

	private BearerChallenge() {
	}

	/**
	 * 401 for a request without credentials: no error code, as RFC 6750 section 3.1 asks.
	 */
	public static Mono<Void> missingToken(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		return ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", "A bearer token is required",
				null);
	}

	/** 401 {@code invalid_token} or 400 {@code invalid_request}, per the error code. */
	public static Mono<Void> error(ServerWebExchange exchange, HttpStatus status, String error,
			@Nullable String description) {
		StringBuilder header = new StringBuilder("Bearer error=\"").append(error).append('"');
		if (description != null) {
			header.append(", error_description=\"").append(headerSafe(description)).append('"');
		}
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, header.toString());
		return ProblemResponses.write(exchange, status, ProblemResponses.title(status), description,
				Map.of("error", error));
	}

	/** 403 {@code insufficient_scope} naming the scopes the route requires. */
	public static Mono<Void> insufficientScope(ServerWebExchange exchange, String requiredScopes) {
		exchange.getResponse()
			.getHeaders()
			.set(HttpHeaders.WWW_AUTHENTICATE,
					"Bearer error=\"insufficient_scope\", error_description=\"The token lacks required scopes\", scope=\""
							+ headerSafe(requiredScopes) + "\"");
		return ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "Forbidden",
				"The token lacks required scopes: " + requiredScopes,
				Map.of("error", "insufficient_scope", "scope", requiredScopes));
	}

	/**
	 * RFC 6750 limits error_description to printable ASCII without quotes or backslashes.
	 */
	static String headerSafe(String s) {
		StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
		for (int i = 0; i < s.length() && sb.length() < 200; i++) {
			char c = s.charAt(i);
			if (c >= 0x20 && c <= 0x7e && c != '"' && c != '\\') {
				sb.append(c);
			}
		}
		return sb.toString();
	}

}
