package io.tollgate.gateway.registry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.lang.Nullable;

import io.tollgate.gateway.consumer.PlanResolver;
import io.tollgate.policy.circuitbreaker.SharedCircuitBreakerGatewayFilterFactory;
import io.tollgate.policy.ratelimit.ClusterRateLimitGatewayFilterFactory;

/**
 * Builds a {@link CompiledApi} from a definition with the same filter factories static
 * routes use ({@code ClusterRateLimit}, {@code SharedCircuitBreaker}), so a managed API's
 * limits and breaker behave, report and share state exactly like a route's. A definition
 * the factories refuse here (a breaker name another route uses with other settings, no
 * limiter on this gateway) is compiled as failed: it answers 503 and the log says why.
 */
final class ApiCompiler {

	private static final Logger log = LoggerFactory.getLogger(ApiCompiler.class);

	private final ObjectProvider<ClusterRateLimitGatewayFilterFactory> rateLimits;

	private final ObjectProvider<SharedCircuitBreakerGatewayFilterFactory> breakers;

	private final ObjectProvider<PlanResolver> plans;

	ApiCompiler(ObjectProvider<ClusterRateLimitGatewayFilterFactory> rateLimits,
			ObjectProvider<SharedCircuitBreakerGatewayFilterFactory> breakers, ObjectProvider<PlanResolver> plans) {
		this.rateLimits = rateLimits;
		this.breakers = breakers;
		this.plans = plans;
	}

	CompiledApi compile(ApiDefinition api, ApiMetrics.Meters meters) {
		if (api.status() == ApiDefinition.Status.RETIRED) {
			// answers 410 before any limiter or breaker would run: hold neither
			return new CompiledApi(api, null, null, meters, null);
		}
		try {
			return new CompiledApi(api, rateLimit(api), breaker(api), meters, null);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			log.error("Managed API '{}' ({}) cannot be served and answers 503: {}", api.id(), api.basePath(),
					ex.getMessage());
			return new CompiledApi(api, null, null, meters, ex.getMessage());
		}
	}

	@Nullable
	private GatewayFilter rateLimit(ApiDefinition api) {
		ApiDefinition.RateLimit rl = api.rateLimit();
		if (rl == null) {
			return null;
		}
		ClusterRateLimitGatewayFilterFactory factory = this.rateLimits.getIfAvailable();
		if (factory == null) {
			throw new IllegalStateException("rate limits are not available on this gateway (ClusterRateLimit)");
		}
		if (rl.fromPlan()) {
			PlanResolver resolver = this.plans.getIfAvailable();
			if (resolver == null) {
				throw new IllegalStateException("plans are not available on this gateway (no PlanResolver)");
			}
			return new ApiPlanLimits(api, resolver, factory);
		}
		ClusterRateLimitGatewayFilterFactory.Config config = new ClusterRateLimitGatewayFilterFactory.Config()
			.setLimits(rl.limits())
			.setKey(rl.key())
			.setAlgorithm(rl.algorithm())
			.setCost(rl.cost())
			.setOnStoreFailure(rl.onStoreFailure())
			.setLegacyHeaders(rl.legacyHeaders());
		config.setRouteId(api.routeId());
		return factory.apply(config);
	}

	@Nullable
	private GatewayFilter breaker(ApiDefinition api) {
		ApiDefinition.CircuitBreaker cb = api.circuitBreaker();
		if (cb == null) {
			return null;
		}
		SharedCircuitBreakerGatewayFilterFactory factory = this.breakers.getIfAvailable();
		if (factory == null) {
			throw new IllegalStateException("circuit breakers are not available on this gateway");
		}
		SharedCircuitBreakerGatewayFilterFactory.Config config = new SharedCircuitBreakerGatewayFilterFactory.Config();
		config.setName(cb.name() != null ? cb.name() : api.id());
		config.setFailureRateThreshold(cb.failureRateThreshold());
		config.setSlowCallRateThreshold(cb.slowCallRateThreshold());
		config.setSlowCallDuration(cb.slowCallDuration());
		config.setSlidingWindow(cb.slidingWindow());
		config.setMinimumCalls(cb.minimumCalls());
		config.setWaitInOpen(cb.waitInOpen());
		config.setHalfOpenCalls(cb.halfOpenCalls());
		config.setFailureStatuses(cb.failureStatuses());
		config.setTimeout(cb.timeout());
		config.setFallbackUri(cb.fallbackUri());
		config.setRouteId(CompiledApi.breakerRouteId(api));
		return factory.apply(config);
	}

}
