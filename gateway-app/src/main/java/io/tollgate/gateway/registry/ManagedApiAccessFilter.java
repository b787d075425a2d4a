package io.tollgate.gateway.registry;

import java.util.Map;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.ApiDefinition.AuthMode;
import io.tollgate.gateway.registry.ApiDefinition.Status;
import io.tollgate.policy.auth.BearerChallenge;
import io.tollgate.policy.auth.Scopes;
import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * The first step of a managed API, right after routing: lifecycle headers (deprecated and
 * retired APIs), 410 for retired ones, 503 for one that cannot be served here, then the
 * API's {@code auth.mode}: a validated JWT with the scopes (RFC 6750 401/403), an API key
 * (a {@link Caller} identified as a consumer without a JWT), either, or anyone.
 */
final class ManagedApiAccessFilter implements GatewayFilter {

	/** The header an API key is sent in (read by consumer identification). */
	static final String API_KEY_CHALLENGE = "ApiKey header=\"X-API-Key\"";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		ManagedMatch match = exchange.getAttribute(ManagedMatch.ATTRIBUTE);
		if (match == null) {
			return chain.filter(exchange);
		}
		CompiledApi api = match.api();
		Status status = api.definition().status();
		if (status == Status.DEPRECATED || status == Status.RETIRED) {
			String successor = match.successorPath();
			lifecycleHeaders(exchange.getResponse().getHeaders(), api, successor);
			if (status == Status.RETIRED) {
				return gone(exchange, api, successor);
			}
		}
		if (api.failure() != null) {
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "30");
			return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
					"This API cannot be served by this gateway at the moment", null);
		}
		Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
		AuthMode mode = api.definition().auth().mode();
		return switch (mode) {
			case PUBLIC -> chain.filter(exchange);
			case JWT -> {
				if (caller == null || caller.jwt() == null) {
					yield BearerChallenge.missingToken(exchange);
				}
				yield scoped(exchange, chain, api, caller);
			}
			case API_KEY -> {
				if (!byApiKey(caller)) {
					yield apiKeyRequired(exchange, caller);
				}
				yield chain.filter(exchange);
			}
			case JWT_OR_API_KEY -> {
				if (caller != null && caller.jwt() != null) {
					yield scoped(exchange, chain, api, caller);
				}
				if (byApiKey(caller)) {
					yield chain.filter(exchange);
				}
				HttpHeaders headers = exchange.getResponse().getHeaders();
				headers.add(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
				headers.add(HttpHeaders.WWW_AUTHENTICATE, API_KEY_CHALLENGE);
				yield ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized",
						"A bearer token or an API key (X-API-Key header) is required", null);
			}
		};
	}

	/** A caller authenticated by a consumer's API key: a consumer, no JWT. */
	private static boolean byApiKey(Caller caller) {
		return caller != null && caller.consumer() != null && caller.jwt() == null;
	}

	private static Mono<Void> scoped(ServerWebExchange exchange, GatewayFilterChain chain, CompiledApi api,
			Caller caller) {
		if (!api.scopes().isEmpty() && !Scopes.of(caller.jwt()).containsAll(api.scopes())) {
			return BearerChallenge.insufficientScope(exchange, String.join(" ", api.definition().auth().scopes()));
		}
		return chain.filter(exchange);
	}

	private static Mono<Void> apiKeyRequired(ServerWebExchange exchange, Caller caller) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, API_KEY_CHALLENGE);
		String detail = caller != null && caller.jwt() != null
				? "This API accepts API keys only (X-API-Key header), not bearer tokens"
				: "An API key is required (X-API-Key header)";
		return ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", detail, null);
	}

	/**
	 * {@code Deprecation} (RFC 9745), {@code Sunset} (RFC 8594) and the successor's
	 * {@code Link} (RFC 5829), those that are set.
	 */
	static void lifecycleHeaders(HttpHeaders headers, CompiledApi api, String successorPath) {
		if (api.deprecationHeader() != null) {
			headers.set("Deprecation", api.deprecationHeader());
		}
		if (api.sunsetHeader() != null) {
			headers.set("Sunset", api.sunsetHeader());
		}
		if (successorPath != null) {
			headers.add(HttpHeaders.LINK, "<" + successorPath + ">; rel=\"successor-version\"");
		}
	}

	private static Mono<Void> gone(ServerWebExchange exchange, CompiledApi api, String successorPath) {
		ApiDefinition d = api.definition();
		String label = d.version() == null ? d.name() : d.name() + " " + d.version();
		String detail = "API '" + label + "' has been retired"
				+ (successorPath == null ? "" : "; its successor is at " + successorPath);
		return ProblemResponses.write(exchange, HttpStatus.GONE, "Gone", detail,
				successorPath == null ? null : Map.of("successor", successorPath));
	}

	@Override
	public String toString() {
		return "ManagedApiAccess";
	}

}
