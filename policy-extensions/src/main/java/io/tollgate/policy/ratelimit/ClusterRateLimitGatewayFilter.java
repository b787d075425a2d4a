package io.tollgate.policy.ratelimit;

import java.util.LinkedHashMap;
import java.util.Map;

import io.tollgate.policy.problem.ProblemResponses;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import io.tollgate.policy.observation.PolicyOutcomes;

/**
 * One route's {@code ClusterRateLimit}: everything it needs per request was prepared by
 * the factory.
 */
final class ClusterRateLimitGatewayFilter implements GatewayFilter {

	private final RateLimitPolicy policy;

	private final CallerKeyResolver resolver;

	private final RateLimitStore store;

	private final RateLimitHeaders headers;

	private final RateLimitMetrics.RouteCounters counters;

	private final String keySpec;

	ClusterRateLimitGatewayFilter(RateLimitPolicy policy, CallerKeyResolver resolver, RateLimitStore store,
			RateLimitHeaders headers, RateLimitMetrics.RouteCounters counters, String keySpec) {
		this.policy = policy;
		this.resolver = resolver;
		this.store = store;
		this.headers = headers;
		this.counters = counters;
		this.keySpec = keySpec;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String callerKey = resolver.resolve(exchange);
		if (callerKey == null) {
			PolicyOutcomes.record(exchange, PolicyOutcomes.RATE_LIMIT_OUTCOME, "unidentified");
			return unidentified(exchange);
		}
		return store.consume(policy, callerKey).flatMap(decision -> {
			count(decision);
			PolicyOutcomes.record(exchange, PolicyOutcomes.RATE_LIMIT_OUTCOME, outcome(decision));
			if (decision.source() == RateLimitDecision.Source.UNAVAILABLE) {
				return unavailable(exchange);
			}
			headers.write(exchange.getResponse().getHeaders(), decision);
			if (decision.allowed()) {
				return chain.filter(exchange);
			}
			return limited(exchange, decision);
		});
	}

	private static String outcome(RateLimitDecision decision) {
		if (decision.source() == RateLimitDecision.Source.UNAVAILABLE) {
			return "unavailable";
		}
		if (decision.source() != RateLimitDecision.Source.SHARED) {
			return decision.allowed() ? "fallback" : "fallback-limited";
		}
		return decision.allowed() ? "allowed" : "limited";
	}

	private void count(RateLimitDecision decision) {
		if (decision.source() != RateLimitDecision.Source.SHARED) {
			counters.fallback().increment();
		}
		else if (decision.allowed()) {
			counters.allowed().increment();
		}
		else {
			counters.limited().increment();
		}
	}

	private Mono<Void> limited(ServerWebExchange exchange, RateLimitDecision decision) {
		int i = decision.bindingLimit();
		String limit = policy.limits().get(i).name();
		long retryAfter = Math.max(1, RateLimitHeaders.seconds(decision.retryAfterMillis()));
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
		Map<String, Object> extensions = new LinkedHashMap<>();
		extensions.put("limit", limit);
		extensions.put("retryAfterSeconds", retryAfter);
		return ProblemResponses.write(exchange, HttpStatus.TOO_MANY_REQUESTS, "Too Many Requests",
				"Rate limit " + limit + " exceeded; retry in " + retryAfter + "s", extensions);
	}

	private Mono<Void> unavailable(ServerWebExchange exchange) {
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
		exchange.getResponse().getHeaders().set(RateLimitHeaders.POLICY, headers.policyValue());
		return ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
				"The rate-limit store is unavailable and this route refuses requests it cannot count", null);
	}

	private Mono<Void> unidentified(ServerWebExchange exchange) {
		if (resolver.identityBased()) {
			exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
			return ProblemResponses.write(exchange, HttpStatus.UNAUTHORIZED, "Unauthorized",
					"This route is rate limited per " + keySpec + " and the request carries no such identity", null);
		}
		return ProblemResponses.write(exchange, HttpStatus.BAD_REQUEST, "Bad Request",
				"The client address of this request could not be determined", null);
	}

	@Override
	public String toString() {
		return "ClusterRateLimit[" + policy.limits() + ", key=" + keySpec + ", budget=" + policy.budget() + ", "
				+ policy.algorithm().configName() + "]";
	}

}
