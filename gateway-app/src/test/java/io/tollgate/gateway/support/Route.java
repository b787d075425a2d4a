package io.tollgate.gateway.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gateway route for tests, turned into
 * {@code spring.cloud.gateway.server.webflux.routes[i]} properties.
 */
public final class Route {

	private final String id;

	private String uri;

	private final List<String> predicates = new ArrayList<>();

	private final List<String> filters = new ArrayList<>();

	private final Map<String, String> metadata = new LinkedHashMap<>();

	private Route(String id) {
		this.id = id;
	}

	public static Route id(String id) {
		return new Route(id);
	}

	public Route uri(String uri) {
		this.uri = uri;
		return this;
	}

	public Route path(String pattern) {
		return predicate("Path=" + pattern);
	}

	public Route predicate(String shortcut) {
		predicates.add(shortcut);
		return this;
	}

	public Route filter(String shortcut) {
		filters.add(shortcut);
		return this;
	}

	public Route publicRoute() {
		return metadata("public", "true");
	}

	public Route metadata(String key, String value) {
		metadata.put(key, value);
		return this;
	}

	Map<String, Object> properties(String prefix) {
		Map<String, Object> p = new LinkedHashMap<>();
		p.put(prefix + ".id", id);
		p.put(prefix + ".uri", uri);
		for (int i = 0; i < predicates.size(); i++) {
			p.put(prefix + ".predicates[" + i + "]", predicates.get(i));
		}
		for (int i = 0; i < filters.size(); i++) {
			p.put(prefix + ".filters[" + i + "]", filters.get(i));
		}
		metadata.forEach((k, v) -> p.put(prefix + ".metadata." + k, v));
		return p;
	}

}
