package io.tollgate.policy.ratelimit;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.policy.replica.ReplicaHeartbeat;

/**
 * {@code /actuator/ratelimits}: where limits are counted right now and what each limited
 * route enforces.
 */
@Endpoint(id = "ratelimits")
public class RateLimitEndpoint {

	private final StoreBreaker breaker;

	private final ReplicaHeartbeat heartbeat;

	private final Map<String, Map<String, Object>> routes;

	public RateLimitEndpoint(StoreBreaker breaker, ReplicaHeartbeat heartbeat,
			ClusterRateLimitGatewayFilterFactory factory) {
		this.breaker = breaker;
		this.heartbeat = heartbeat;
		this.routes = factory.describedRoutes();
	}

	@ReadOperation
	public Map<String, Object> ratelimits() {
		Map<String, Object> out = RateLimitHealthIndicator.details(this.breaker, this.heartbeat);
		out.put("routes", new TreeMap<>(this.routes));
		return out;
	}

	/** The description kept per route by the filter factory. */
	static Map<String, Object> describe(RateLimitPolicy policy, String key, boolean legacyHeaders) {
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("limits", policy.limits().stream().map(Limit::toString).toList());
		d.put("key", key);
		d.put("budget", policy.budget());
		d.put("algorithm", policy.algorithm().configName());
		d.put("cost", policy.cost());
		d.put("onStoreFailure", policy.onStoreFailure().name().toLowerCase(Locale.ROOT));
		d.put("legacyHeaders", legacyHeaders);
		return d;
	}

	static Map<String, Map<String, Object>> newRegistry() {
		return new ConcurrentHashMap<>();
	}

}
