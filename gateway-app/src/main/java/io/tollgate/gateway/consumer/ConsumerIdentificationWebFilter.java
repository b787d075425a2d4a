package io.tollgate.gateway.consumer;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.tollgate.policy.auth.CallerWebFilter;
import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.identity.IdentityHeaders;
import io.tollgate.policy.problem.ProblemResponses;

/**
 * Identifies the consumer of every request, after authentication, before routing:
 * <ul>
 * <li>{@code X-API-Key}: checked by {@link ApiKeyLookup}; a valid key binds
 * {@link Caller#fromApiKey}, anything else is answered 401 at once (on every route,
 * public ones too, as an invalid bearer token is);</li>
 * <li>otherwise a validated JWT whose client ({@code azp}, else {@code client_id}) is in
 * a consumer's {@code clientIds} binds {@link Caller#withConsumer}.</li>
 * </ul>
 * {@code X-API-Key} is never forwarded upstream; {@code X-Consumer-Id} is set to the
 * consumer when one is identified (a client's own value was removed before, with the
 * other identity headers). A request with both a bearer token and an API key is refused
 * with 400: which of two identities applies is never guessed.
 */
public final class ConsumerIdentificationWebFilter
		implements WebFilter, Ordered, ApplicationListener<WebServerInitializedEvent> {

	/** Just after {@link CallerWebFilter} has bound the JWT's caller. */
	public static final int ORDER = CallerWebFilter.ORDER + 10;

	public static final String API_KEY_HEADER = "X-API-Key";

	/** The challenge of a refused key (no registered scheme exists for API keys). */
	static final String CHALLENGE = "ApiKey realm=\"tollgate\"";

	private final ApiKeyLookup keys;

	private final ClientIdIndex clientIds;

	private final LastUsedTracker lastUsed;

	/** The data port, once the server listens; -1 before. */
	private volatile int dataPort = -1;

	public ConsumerIdentificationWebFilter(ApiKeyLookup keys, ClientIdIndex clientIds, LastUsedTracker lastUsed) {
		this.keys = keys;
		this.clientIds = clientIds;
		this.lastUsed = lastUsed;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Web filters also run on a separate management port: identification is for the data
	 * port only, so it learns which port that is.
	 */
	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getServerNamespace() == null) {
			this.dataPort = event.getWebServer().getPort();
		}
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		if (local != null && this.dataPort > 0 && local.getPort() != this.dataPort) {
			return chain.filter(exchange);
		}
		HttpHeaders headers = exchange.getRequest().getHeaders();
		List<String> presented = headers.get(API_KEY_HEADER);
		if (presented == null || presented.isEmpty()) {
			return byClientId(exchange, chain);
		}
		if (bearer(headers) || Caller.of(exchange).map(c -> c.jwt() != null).orElse(false)) {
			return ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "Bad Request",
					"Send either a bearer token or an API key, not both", Map.of("error", "invalid_request"));
		}
		if (presented.size() != 1) {
			return unauthorized(exchange, "Send exactly one X-API-Key header");
		}
		return this.keys.check(presented.get(0).trim()).flatMap(result -> switch (result.outcome()) {
			case VALID -> {
				ApiKeyRecord key = result.key();
				Caller.fromApiKey(key.consumer()).bind(exchange);
				this.lastUsed.touch(key.id());
				yield chain.filter(identified(exchange, key.consumer()));
			}
			case MALFORMED -> unauthorized(exchange, "The API key is malformed");
			case EXPIRED -> unauthorized(exchange, "The API key has expired");
			case UNKNOWN -> unauthorized(exchange, "The API key is not valid");
			case DISABLED -> unauthorized(exchange, "API keys are not accepted by this gateway");
			case UNAVAILABLE -> {
				exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
				yield ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
						"The API key cannot be checked right now", null);
			}
		});
	}

	private Mono<Void> byClientId(ServerWebExchange exchange, WebFilterChain chain) {
		Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
		if (caller == null || caller.jwt() == null || caller.clientId() == null || caller.consumer() != null) {
			return chain.filter(exchange);
		}
		String consumer = this.clientIds.consumerOf(caller.clientId());
		if (consumer == null) {
			return chain.filter(exchange);
		}
		caller.withConsumer(consumer).bind(exchange);
		return chain.filter(identified(exchange, consumer));
	}

	/** The request as forwarded: no key, the gateway's {@code X-Consumer-Id}. */
	private static ServerWebExchange identified(ServerWebExchange exchange, String consumer) {
		ServerHttpRequest request = exchange.getRequest().mutate().headers(h -> {
			h.remove(API_KEY_HEADER);
			h.set(IdentityHeaders.CONSUMER_ID, consumer);
		}).build();
		return exchange.mutate().request(request).build();
	}

	private static boolean bearer(HttpHeaders headers) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
		return authorization != null && authorization.length() >= 6
				&& authorization.substring(0, 6).toLowerCase(Locale.ROOT).equals("bearer");
	}

	private static Mono<Void> unauthorized(ServerWebExchange exchange, String detail) {
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
		return ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized", detail,
				Map.of("error", "invalid_api_key"));
	}

}
