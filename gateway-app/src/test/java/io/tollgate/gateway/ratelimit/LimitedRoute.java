package io.tollgate.gateway.ratelimit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tollgate.gateway.support.GatewayInstance;

/**
 * A route at {@code /<id>/**} with one {@code ClusterRateLimit} filter in full (name +
 * args) form.
 */
final class LimitedRoute {

	final String id;

	private final Map<String, String> args = new LinkedHashMap<>();

	private boolean open = true;

	private LimitedRoute(String id) {
		this.id = id;
	}

	static LimitedRoute of(String id, String limits, String key) {
		return new LimitedRoute(id).arg("limits", limits).arg("key", key);
	}

	LimitedRoute arg(String name, String value) {
		args.put(name, value);
		return this;
	}

	/** Requires an authenticated caller (routes are public by default here). */
	LimitedRoute secured() {
		open = false;
		return this;
	}

	/**
	 * Adds the routes, in order, as {@code routes[0..n-1]} of the gateway's
	 * configuration.
	 */
	static GatewayInstance.Builder addAll(GatewayInstance.Builder builder, String upstream, List<LimitedRoute> routes) {
		for (int i = 0; i < routes.size(); i++) {
			routes.get(i).addTo(builder, i, upstream);
		}
		return builder;
	}

	private void addTo(GatewayInstance.Builder builder, int index, String upstream) {
		String p = "spring.cloud.gateway.server.webflux.routes[" + index + "]";
		builder.property(p + ".id", id);
		builder.property(p + ".uri", upstream);
		builder.property(p + ".predicates[0]", "Path=/" + id + "/**");
		builder.property(p + ".filters[0].name", "ClusterRateLimit");
		args.forEach((k, v) -> builder.property(p + ".filters[0].args." + k, v));
		if (open) {
			builder.property(p + ".metadata.public", "true");
		}
	}

}
