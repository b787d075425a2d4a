package io.tollgate.policy.circuitbreaker;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;

/**
 * {@code SharedCircuitBreaker=<name>[, <fallback-uri>]}: cuts a sick upstream off on
 * every replica at once. Settings come from the route arguments, else
 * {@code tollgate.circuit-breakers.<name>}, else the defaults. Upstream failures are the
 * configured statuses, connection errors and timeouts.
 */
public class SharedCircuitBreakerGatewayFilterFactory
		extends AbstractGatewayFilterFactory<SharedCircuitBreakerGatewayFilterFactory.Config> {

	private final SharedCircuitBreakers breakers;

	private final CircuitBreakerProperties properties;

	private final ObjectProvider<DispatcherHandler> dispatcher;

	private final BreakerMetrics metrics;

	public SharedCircuitBreakerGatewayFilterFactory(SharedCircuitBreakers breakers, CircuitBreakerProperties properties,
			ObjectProvider<DispatcherHandler> dispatcher, BreakerMetrics metrics) {
		super(Config.class);
		this.breakers = breakers;
		this.properties = properties;
		this.dispatcher = dispatcher;
		this.metrics = metrics;
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("name", "fallbackUri");
	}

	@Override
	public GatewayFilter apply(Config config) {
		if (config.getName() == null || config.getName().isBlank()) {
			throw new IllegalArgumentException("SharedCircuitBreaker needs a name");
		}
		String name = config.getName().trim();
		BreakerProperties named = properties.getCircuitBreakers().get(name);
		BreakerSettings settings = BreakerSettings.resolve(name, named, config);
		String fallback = config.getFallbackUri() != null ? config.getFallbackUri()
				: named != null ? named.getFallbackUri() : null;
		URI fallbackUri = parseFallback(name, fallback);
		SharedCircuitBreaker breaker = breakers.obtain(settings);
		return new BreakerFilter(breaker, fallbackUri);
	}

	@Nullable
	private static URI parseFallback(String name, @Nullable String fallback) {
		if (fallback == null || fallback.isBlank()) {
			return null;
		}
		URI uri;
		try {
			uri = URI.create(fallback.trim());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"circuit breaker '" + name + "': fallback-uri is not a URI: " + fallback);
		}
		if (!"forward".equals(uri.getScheme()) || uri.getSchemeSpecificPart() == null
				|| !uri.getSchemeSpecificPart().startsWith("/")) {
			throw new IllegalArgumentException(
					"circuit breaker '" + name + "': fallback-uri must be forward:/path, got " + fallback);
		}
		return uri;
	}

	private final class BreakerFilter implements GatewayFilter {

		private final SharedCircuitBreaker breaker;

		@Nullable
		private final URI fallbackUri;

		BreakerFilter(SharedCircuitBreaker breaker, @Nullable URI fallbackUri) {
			this.breaker = breaker;
			this.fallbackUri = fallbackUri;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
			return breaker.acquire().flatMap(permit -> {
				if (!permit.granted()) {
					metrics.call(breaker, BreakerMetrics.Call.NOT_PERMITTED);
					return rejected(exchange, permit);
				}
				return call(exchange, chain, permit);
			});
		}

		private Mono<Void> call(ServerWebExchange exchange, GatewayFilterChain chain, Permit permit) {
			long start = System.nanoTime();
			Mono<Void> upstream = chain.filter(exchange);
			if (breaker.settings().timeout() != null) {
				upstream = upstream.timeout(breaker.settings().timeout());
			}
			return upstream.then(Mono.defer(() -> {
				HttpStatusCode status = exchange.getResponse().getStatusCode();
				boolean failed = status != null && breaker.settings().failureStatuses().contains(status.value());
				return finish(permit, failed ? Outcome.FAILURE : Outcome.SUCCESS, start);
			})).onErrorResume(ex -> {
				Outcome outcome = ex instanceof TimeoutException ? Outcome.TIMEOUT : Outcome.FAILURE;
				return finish(permit, outcome, start).then(failed(exchange, ex));
			}).doOnCancel(() -> breaker.abandon(permit));
		}

		private Mono<Void> finish(Permit permit, Outcome outcome, long start) {
			long elapsed = System.nanoTime() - start;
			boolean slow = elapsed > breaker.settings().slowCallDuration().toNanos();
			metrics.call(breaker,
					outcome == Outcome.SUCCESS ? (slow ? BreakerMetrics.Call.SLOW : BreakerMetrics.Call.SUCCESS)
							: outcome == Outcome.TIMEOUT ? BreakerMetrics.Call.TIMEOUT : BreakerMetrics.Call.FAILURE);
			return breaker.complete(permit, outcome, elapsed);
		}

		private Mono<Void> failed(ServerWebExchange exchange, Throwable ex) {
			if (exchange.getResponse().isCommitted()) {
				return Mono.error(ex);
			}
			if (fallbackUri != null) {
				return forward(exchange);
			}
			if (ex instanceof TimeoutException) {
				return ProblemResponses.write(exchange, HttpStatus.GATEWAY_TIMEOUT, "Gateway Timeout",
						"The upstream did not answer within " + breaker.settings().timeout(),
						Map.of("breaker", breaker.name()));
			}
			return Mono.error(ex);
		}

		private Mono<Void> rejected(ServerWebExchange exchange, Permit permit) {
			if (fallbackUri != null) {
				return forward(exchange);
			}
			long seconds = Math.max(1, (permit.retryAfterMillis() + 999) / 1000);
			exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
			Map<String, Object> extensions = new LinkedHashMap<>();
			extensions.put("breaker", breaker.name());
			extensions.put("scope", permit.rejectedBy());
			return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Circuit Breaker Open",
					"Calls to this upstream are suspended by circuit breaker '" + breaker.name() + "'", extensions);
		}

		/** Hands the request to the fallback path as if it had arrived there. */
		private Mono<Void> forward(ServerWebExchange exchange) {
			URI original = exchange.getRequest().getURI();
			boolean encoded = ServerWebExchangeUtils.containsEncodedParts(original);
			URI target = UriComponentsBuilder.fromUri(original)
				.host(null)
				.port(null)
				.uri(fallbackUri)
				.scheme(null)
				.build(encoded)
				.toUri();
			exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR, target);
			ServerWebExchangeUtils.reset(exchange);
			ServerHttpRequest request = exchange.getRequest().mutate().uri(target).build();
			return dispatcher.getObject().handle(exchange.mutate().request(request).build());
		}

		@Override
		public String toString() {
			return "SharedCircuitBreaker[" + breaker.name() + "]";
		}

	}

	/**
	 * Route arguments: the breaker name, optional overrides of its settings, and the
	 * fallback.
	 */
	public static class Config extends BreakerProperties {

		/** Breaker name; replicas (and routes) with the same name share one breaker. */
		private String name;

		public String getName() {
			return name;
		}

		public void setName(String name) {
			this.name = name;
		}

	}

}
