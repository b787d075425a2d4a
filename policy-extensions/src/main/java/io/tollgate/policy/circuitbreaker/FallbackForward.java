package io.tollgate.policy.circuitbreaker;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * Hands a request to a breaker's {@code fallback-uri: forward:/path} as if it had arrived
 * there, whatever serves that path: a proxied route, a local handler, or another
 * breaker's route. A forward that comes back to a path this request was already forwarded
 * to (a loop, also through other breakers) answers {@code 508 Loop Detected} and is
 * logged once per breaker, instead of recursing until the stack overflows.
 */
final class FallbackForward {

	private static final Logger log = LoggerFactory.getLogger(FallbackForward.class);

	/** Exchange attribute: the paths this request was forwarded to, in order. */
	static final String VISITED_ATTR = FallbackForward.class.getName() + ".visited";

	/** A request is never forwarded more often than this, loop or not. */
	static final int MAX_FORWARDS = 8;

	private final ObjectProvider<DispatcherHandler> dispatcher;

	/** Breakers whose forward loop was logged already. */
	private final Set<String> loopLogged = ConcurrentHashMap.newKeySet();

	FallbackForward(ObjectProvider<DispatcherHandler> dispatcher) {
		this.dispatcher = dispatcher;
	}

	Mono<Void> forward(ServerWebExchange exchange, URI fallbackUri, String breaker) {
		Map<String, Object> attributes = exchange.getAttributes();
		@SuppressWarnings("unchecked")
		Set<String> visited = (Set<String>) attributes.computeIfAbsent(VISITED_ATTR, k -> new LinkedHashSet<String>());
		String target = fallbackUri.getSchemeSpecificPart();
		if (visited.isEmpty()) {
			visited.add(exchange.getRequest().getPath().value());
		}
		if (!visited.add(target) || visited.size() > MAX_FORWARDS + 1) {
			if (this.loopLogged.add(breaker)) {
				log.error("Circuit breaker '{}': fallback forward loop {} -> {}; answering 508 (logged once)", breaker,
						visited, target);
			}
			return ProblemResponses.write(exchange, HttpStatus.LOOP_DETECTED, "Loop Detected",
					"The fallback of circuit breaker '" + breaker + "' forwards in a loop", Map.of("breaker", breaker));
		}
		URI original = exchange.getRequest().getURI();
		boolean encoded = ServerWebExchangeUtils.containsEncodedParts(original);
		URI uri = UriComponentsBuilder.fromUri(original)
			.host(null)
			.port(null)
			.uri(fallbackUri)
			.scheme(null)
			.build(encoded)
			.toUri();
		exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, uri);
		exchange.getResponse().setStatusCode(null);
		ServerWebExchangeUtils.reset(exchange);
		ServerHttpRequest request = exchange.getRequest().mutate().uri(uri).build();
		// handle() also drops the path the route predicates cached for the original
		// request;
		// without that, the same route would match again and forward again, forever
		return ServerWebExchangeUtils.handle(this.dispatcher.getObject(), exchange.mutate().request(request).build());
	}

}
