package io.tollgate.policy.circuitbreaker;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.policy.problem.ProblemResponses;
import io.tollgate.policy.observation.PolicyOutcomes;

/**
 * One route's {@code SharedCircuitBreaker}. The permit is taken when the call is
 * subscribed and given back when it is cancelled; only upstream outcomes count
 * ({@link Outcome}).
 */
final class BreakerFilter implements GatewayFilter {

	private final SharedCircuitBreaker breaker;

	private final BreakerMetrics metrics;

	@Nullable
	private final URI fallbackUri;

	private final FallbackForward forward;

	BreakerFilter(SharedCircuitBreaker breaker, BreakerMetrics metrics, @Nullable URI fallbackUri,
			FallbackForward forward) {
		this.breaker = breaker;
		this.metrics = metrics;
		this.fallbackUri = fallbackUri;
		this.forward = forward;
	}

	SharedCircuitBreaker breaker() {
		return this.breaker;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		return this.breaker.acquire().flatMap(permit -> {
			PolicyOutcomes.record(exchange, PolicyOutcomes.CIRCUIT_BREAKER, this.breaker.settings().name());
			PolicyOutcomes.record(exchange, PolicyOutcomes.CIRCUIT_BREAKER_STATE, this.breaker.sharedState().name());
			PolicyOutcomes.record(exchange, PolicyOutcomes.CIRCUIT_BREAKER_PERMITTED, String.valueOf(permit.granted()));
			if (!permit.granted()) {
				this.metrics.call(this.breaker, BreakerMetrics.Call.NOT_PERMITTED);
				return rejected(exchange, permit);
			}
			return call(exchange, chain, permit);
		});
	}

	private Mono<Void> call(ServerWebExchange exchange, GatewayFilterChain chain, Permit permit) {
		long start = System.nanoTime();
		Mono<Void> upstream = chain.filter(exchange);
		BreakerSettings settings = this.breaker.settings();
		if (settings.timeout() != null) {
			upstream = upstream.timeout(settings.timeout());
		}
		return upstream
			.then(Mono.defer(() -> finish(permit, Outcome.ofResponse(exchange, settings.failureStatuses()), start)))
			.onErrorResume(ex -> {
				Outcome outcome = Outcome.ofError(ex);
				Mono<Void> done = finish(permit, outcome, start);
				// a fault of the gateway itself goes to the error handler as it is: no
				// fallback, no blame
				return outcome == Outcome.NOT_UPSTREAM ? done.then(Mono.error(ex)) : done.then(failed(exchange, ex));
			})
			.doOnCancel(() -> this.breaker.release(permit).subscribe());
	}

	private Mono<Void> finish(Permit permit, Outcome outcome, long start) {
		long elapsed = System.nanoTime() - start;
		boolean slow = elapsed > this.breaker.settings().slowCallDuration().toNanos();
		this.metrics.call(this.breaker, switch (outcome) {
			case SUCCESS -> slow ? BreakerMetrics.Call.SLOW : BreakerMetrics.Call.SUCCESS;
			case FAILURE -> BreakerMetrics.Call.FAILURE;
			case TIMEOUT -> BreakerMetrics.Call.TIMEOUT;
			case NOT_UPSTREAM -> BreakerMetrics.Call.NOT_UPSTREAM;
		});
		return this.breaker.complete(permit, outcome, elapsed);
	}

	private Mono<Void> failed(ServerWebExchange exchange, Throwable ex) {
		if (exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		if (this.fallbackUri != null) {
			return this.forward.forward(exchange, this.fallbackUri, this.breaker.name());
		}
		if (ex instanceof java.util.concurrent.TimeoutException) {
			return ProblemResponses.write(exchange, HttpStatus.GATEWAY_TIMEOUT, "Gateway Timeout",
					"The upstream did not answer within " + this.breaker.settings().timeout(),
					Map.of("breaker", this.breaker.name()));
		}
		return Mono.error(ex);
	}

	private Mono<Void> rejected(ServerWebExchange exchange, Permit permit) {
		if (this.fallbackUri != null) {
			return this.forward.forward(exchange, this.fallbackUri, this.breaker.name());
		}
		long seconds = Math.max(1,
				CircuitBreakersEndpoint.BreakerDescriptor.retryAfterSeconds(permit.retryAfterMillis()));
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("breaker", this.breaker.name());
		extensions.put("scope", permit.rejectedBy());
		extensions.put("retryAfterSeconds", seconds);
		return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Circuit Breaker Open",
				"Calls to this upstream are suspended by circuit breaker '" + this.breaker.name() + "'", extensions);
	}

	@Override
	public String toString() {
		return "SharedCircuitBreaker[" + this.breaker.name() + (this.fallbackUri == null ? "" : ", " + this.fallbackUri)
				+ "]";
	}

}
