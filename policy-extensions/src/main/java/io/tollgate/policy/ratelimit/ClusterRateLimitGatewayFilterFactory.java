package io.tollgate.policy.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tollgate.policy.net.TrustedProxies;
import io.tollgate.policy.route.RouteScopedState;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * {@code ClusterRateLimit}: limits shared by every replica through Redis, all checked and
 * consumed in one round trip. Shortcut:
 * {@code ClusterRateLimit=100/1s;2000/1m, principal}.
 */
public class ClusterRateLimitGatewayFilterFactory
		extends AbstractGatewayFilterFactory<ClusterRateLimitGatewayFilterFactory.Config> implements RouteScopedState {

	private final RateLimitStore store;

	private final TrustedProxies proxies;

	private final RateLimitMetrics metrics;

	private final Map<String, Map<String, Object>> described = RateLimitEndpoint.newRegistry();

	public ClusterRateLimitGatewayFilterFactory(RateLimitStore store, TrustedProxies proxies,
			RateLimitMetrics metrics) {
		super(Config.class);
		this.store = store;
		this.proxies = proxies;
		this.metrics = metrics;
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("limits", "key");
	}

	@Override
	public GatewayFilter apply(Config config) {
		String route = config.getRouteId() == null ? "unknown" : config.getRouteId();
		try {
			List<Limit> limits = LimitParser
				.parse(config.getLimits() == null ? null : String.join(",", config.getLimits()));
			String budget = config.getBudget() == null || config.getBudget().isBlank() ? route
					: config.getBudget().trim();
			RateLimitPolicy policy = new RateLimitPolicy(budget, Algorithm.parse(config.getAlgorithm()), limits,
					config.getCost(), OnStoreFailure.parse(config.getOnStoreFailure()));
			CallerKeyResolver resolver = CallerKeyResolver.parse(config.getKey(), proxies, route);
			described.put(route, RateLimitEndpoint.describe(policy, config.getKey(), config.isLegacyHeaders()));
			return new ClusterRateLimitGatewayFilter(policy, resolver, store,
					new RateLimitHeaders(limits, config.isLegacyHeaders()), metrics.forRoute(route), config.getKey());
		}
		catch (IllegalArgumentException ex) {
			throw new TollgateConfigurationException("Route '" + route + "': ClusterRateLimit: " + ex.getMessage(), ex);
		}
	}

	/** Deleted routes leave the endpoint and take their decision counters with them. */
	@Override
	public void retain(Set<String> liveRouteIds) {
		for (String route : List.copyOf(this.described.keySet())) {
			if (!liveRouteIds.contains(route)) {
				this.described.remove(route);
				this.metrics.remove(route);
			}
		}
	}

	/** What each route's filter enforces, by route id (for the actuator endpoint). */
	Map<String, Map<String, Object>> describedRoutes() {
		return described;
	}

	/** Arguments of one {@code ClusterRateLimit} filter. */
	public static class Config implements HasRouteId {

		/**
		 * One or more COUNT/DURATION limits, separated by ',' or ';' (e.g. 100/1s,
		 * 2000/1m, 1000000/1mo).
		 */
		private List<String> limits;

		/**
		 * What a caller is: principal, consumer, claim:NAME, header:NAME, ip, api-key,
		 * route or global.
		 */
		private String key = "principal";

		/** Routes naming the same budget share its counters; default: the route id. */
		private String budget;

		/** gcra (default), sliding-window or fixed-window. */
		private String algorithm = "gcra";

		/** Units one request consumes from every limit. */
		private long cost = 1;

		/** local (default), allow or deny: what to do while Redis is unreachable. */
		private String onStoreFailure = "local";

		/** Also send X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset. */
		private boolean legacyHeaders;

		private String routeId;

		public List<String> getLimits() {
			return limits;
		}

		public Config setLimits(List<String> limits) {
			this.limits = limits;
			return this;
		}

		public String getKey() {
			return key;
		}

		public Config setKey(String key) {
			this.key = key;
			return this;
		}

		public String getBudget() {
			return budget;
		}

		public Config setBudget(String budget) {
			this.budget = budget;
			return this;
		}

		public String getAlgorithm() {
			return algorithm;
		}

		public Config setAlgorithm(String algorithm) {
			this.algorithm = algorithm;
			return this;
		}

		public long getCost() {
			return cost;
		}

		public Config setCost(long cost) {
			this.cost = cost;
			return this;
		}

		public String getOnStoreFailure() {
			return onStoreFailure;
		}

		public Config setOnStoreFailure(String onStoreFailure) {
			this.onStoreFailure = onStoreFailure;
			return this;
		}

		public boolean isLegacyHeaders() {
			return legacyHeaders;
		}

		public Config setLegacyHeaders(boolean legacyHeaders) {
			this.legacyHeaders = legacyHeaders;
			return this;
		}

		@Override
		public void setRouteId(String routeId) {
			this.routeId = routeId;
		}

		@Override
		public String getRouteId() {
			return routeId;
		}

	}

}
