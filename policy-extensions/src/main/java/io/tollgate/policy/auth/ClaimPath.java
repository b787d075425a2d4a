package io.tollgate.policy.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;

/**
 * A claim name that may be a dotted path into nested claims ({@code realm_access.roles}).
 * A claim whose own name contains dots (such as {@code https://example.com/roles}) is
 * found first by its full name.
 */
public final class ClaimPath {

	private final String name;

	private final String[] segments;

	private ClaimPath(String name) {
		this.name = name;
		this.segments = name.split("\\.");
	}

	public static ClaimPath of(String name) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("Claim name must not be empty");
		}
		return new ClaimPath(name.trim());
	}

	public String name() {
		return name;
	}

	@Nullable
	public Object resolve(Map<String, Object> claims) {
		Object whole = claims.get(name);
		if (whole != null || segments.length == 1) {
			return whole;
		}
		Object current = claims;
		for (String segment : segments) {
			if (!(current instanceof Map<?, ?> map)) {
				return null;
			}
			current = map.get(segment);
			if (current == null) {
				return null;
			}
		}
		return current;
	}

	/**
	 * The claim's values as strings: one for a scalar, each element for a list; empty
	 * when absent.
	 */
	public List<String> values(Map<String, Object> claims) {
		Object value = resolve(claims);
		if (value == null) {
			return List.of();
		}
		if (value instanceof Collection<?> list) {
			return list.stream().filter(v -> v != null && !(v instanceof Map)).map(String::valueOf).toList();
		}
		if (value instanceof Map) {
			return List.of();
		}
		return List.of(String.valueOf(value));
	}

}
