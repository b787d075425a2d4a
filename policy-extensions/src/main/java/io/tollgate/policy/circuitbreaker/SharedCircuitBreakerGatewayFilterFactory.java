package io.tollgate.policy.circuitbreaker;

import java.net.URI;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;
import org.springframework.cloud.gateway.support.HasRouteId;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.DispatcherHandler;
import io.tollgate.policy.config.TollgateConfigurationException;

/**
 * {@code SharedCircuitBreaker=<name>[, <fallback-uri>]}: cuts a sick upstream off on
 * every replica at once. Settings come from the route arguments, else
 * {@code tollgate.circuit-breakers.<name>}, else the defaults. Upstream failures are the
 * configured statuses, connection errors and timeouts; nothing the gateway itself refuses
 * or fails counts.
 */
public class SharedCircuitBreakerGatewayFilterFactory
		extends AbstractGatewayFilterFactory<SharedCircuitBreakerGatewayFilterFactory.Config> {

	private final SharedCircuitBreakers breakers;

	private final CircuitBreakerProperties properties;

	private final BreakerMetrics metrics;

	private final FallbackForward forward;

	public SharedCircuitBreakerGatewayFilterFactory(SharedCircuitBreakers breakers, CircuitBreakerProperties properties,
			ObjectProvider<DispatcherHandler> dispatcher, BreakerMetrics metrics) {
		super(Config.class);
		this.breakers = breakers;
		this.properties = properties;
		this.metrics = metrics;
		this.forward = new FallbackForward(dispatcher);
	}

	@Override
	public List<String> shortcutFieldOrder() {
		return List.of("name", "fallbackUri");
	}

	@Override
	public GatewayFilter apply(Config config) {
		String route = config.getRouteId() == null ? "unknown" : config.getRouteId();
		if (config.getName() == null || config.getName().isBlank()) {
			throw new TollgateConfigurationException("Route '" + route + "': SharedCircuitBreaker needs a name");
		}
		String name = config.getName().trim();
		try {
			BreakerProperties named = this.properties.getCircuitBreakers().get(name);
			BreakerSettings settings = BreakerSettings.resolve(name, named, config);
			String fallback = config.getFallbackUri() != null ? config.getFallbackUri()
					: named != null ? named.getFallbackUri() : null;
			URI fallbackUri = parseFallback(name, fallback);
			return new BreakerFilter(this.breakers.obtain(route, settings), this.metrics, fallbackUri, this.forward);
		}
		catch (IllegalArgumentException ex) {
			throw new TollgateConfigurationException("Route '" + route + "': SharedCircuitBreaker: " + ex.getMessage(),
					ex);
		}
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

	/**
	 * Route arguments: the breaker name, optional overrides of its settings, and the
	 * fallback.
	 */
	public static class Config extends BreakerProperties implements HasRouteId {

		/** Breaker name; replicas (and routes) with the same name share one breaker. */
		private String name;

		private String routeId;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		@Override
		public void setRouteId(String routeId) {
			this.routeId = routeId;
		}

		@Override
		public String getRouteId() {
			return this.routeId;
		}

	}

}
