package io.tollgate.gateway.registry;

import java.util.Map;

import org.springframework.lang.Nullable;

/**
 * The managed resources this replica has applied, parsed by their {@link ResourceCodec}s,
 * at one revision. Read without locks on the request path: every application swaps in new
 * immutable maps.
 */
public interface ManagementView {

	/**
	 * The revision applied and served: set once every listener has heard it (0 before
	 * anything was loaded).
	 */
	long revision();

	/** Every resource of a kind, by id (immutable). */
	<T> Map<String, T> all(Kind kind, Class<T> type);

	/** One resource, or null. */
	@Nullable
	default <T> T get(Kind kind, String id, Class<T> type) {
		return all(kind, type).get(id);
	}

}
