package io.tollgate.gateway.registry;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.http.HttpStatus;
import org.springframework.lang.Nullable;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.consumer.PlanResolver;
import io.tollgate.gateway.consumer.ResolvedPlan;
import io.tollgate.policy.identity.Caller;
import io.tollgate.policy.problem.ProblemResponses;
import io.tollgate.policy.ratelimit.ClusterRateLimitGatewayFilterFactory;
import io.tollgate.policy.ratelimit.LimitParser;

/**
 * {@code rateLimit.fromPlan}: the calling consumer's plan limits, as
 * {@code ClusterRateLimit} with key {@code consumer} and budget {@code plan:<planId>}, so
 * a consumer has one quota per limit across every API that takes its plan. The limiter of
 * each plan is built on first use and again when the plan's revision changes.
 */
final class ApiPlanLimits implements GatewayFilter {

	private static final Logger log = LoggerFactory.getLogger(ApiPlanLimits.class);

	private final String apiId;

	private final String routeId;

	private final String onStoreFailure;

	private final boolean legacyHeaders;

	private final PlanResolver plans;

	private final ClusterRateLimitGatewayFilterFactory factory;

	private final Map<String, Compiled> byPlan = new ConcurrentHashMap<>();

	ApiPlanLimits(ApiDefinition api, PlanResolver plans, ClusterRateLimitGatewayFilterFactory factory) {
		this.apiId = api.id();
		this.routeId = api.routeId();
		this.onStoreFailure = api.rateLimit().onStoreFailure();
		this.legacyHeaders = api.rateLimit().legacyHeaders();
		this.plans = plans;
		this.factory = factory;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
		if (caller == null || caller.consumer() == null) {
			return ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "Forbidden",
					"This API is limited by the caller's plan, and the caller is not a known consumer", null);
		}
		ResolvedPlan plan = this.plans.planOf(caller.consumer());
		if (plan == null) {
			return ProblemResponses.write(exchange, HttpStatus.FORBIDDEN, "Forbidden",
					"This API is limited by the caller's plan, and the consumer has no plan", null);
		}
		Compiled compiled = this.byPlan.compute(plan.id(),
				(id, current) -> current != null && current.revision == plan.revision() ? current : compile(plan));
		if (compiled.filter == null) {
			return compiled.limits.isEmpty() ? chain.filter(exchange)
					: ProblemResponses.write(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Service Unavailable",
							"The limits of the caller's plan cannot be enforced on this gateway", null);
		}
		return compiled.filter.filter(exchange, chain);
	}

	private Compiled compile(ResolvedPlan plan) {
		if (plan.limits().isEmpty()) {
			return new Compiled(plan.revision(), List.of(), null);
		}
		try {
			ClusterRateLimitGatewayFilterFactory.Config config = new ClusterRateLimitGatewayFilterFactory.Config()
				.setLimits(plan.limits())
				.setKey("consumer")
				.setBudget("plan:" + plan.id())
				.setAlgorithm(algorithm(plan.limits()))
				.setOnStoreFailure(this.onStoreFailure)
				.setLegacyHeaders(this.legacyHeaders);
			config.setRouteId(this.routeId);
			return new Compiled(plan.revision(), plan.limits(), this.factory.apply(config));
		}
		catch (IllegalArgumentException ex) {
			log.error("API '{}': the limits of plan '{}' (revision {}) cannot be enforced: {}", this.apiId, plan.id(),
					plan.revision(), ex.getMessage());
			return new Compiled(plan.revision(), plan.limits(), null);
		}
	}

	/**
	 * The algorithm a plan's limits imply: fixed windows when any limit is in calendar
	 * months (which only fixed windows count), else gcra. The usage endpoint reads the
	 * keys of the same algorithm.
	 */
	static String algorithm(List<String> limits) {
		for (String limit : limits) {
			for (String part : limit.split("[,;]")) {
				if (!part.isBlank() && LimitParser.parseOne(part.trim()).isCalendarMonths()) {
					return "fixed-window";
				}
			}
		}
		return "gcra";
	}

	/** Forgets the limiters of plans that no longer exist. */
	void retainPlans(Set<String> planIds) {
		this.byPlan.keySet().retainAll(planIds);
	}

	@Override
	public String toString() {
		return "PlanRateLimit[" + this.routeId + "]";
	}

	private record Compiled(long revision, List<String> limits, @Nullable GatewayFilter filter) {
	}

}
