package io.tollgate.gateway.registry;

import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

/**
 * Managed resources: read one, page through a kind, find by a unique value, commit a
 * batch atomically.
 */
public interface ResourceStore {

	/** The resource, or empty. */
	Mono<StoredResource> get(Kind kind, String id);

	/**
	 * Up to {@code limit} resources of a kind with ids after {@code after} (null: from
	 * the start), by id.
	 */
	Mono<List<StoredResource>> list(Kind kind, @Nullable String after, int limit);

	/** The resource holding a unique value ({@code "<index>:<value>"}), or empty. */
	Mono<StoredResource> findByUnique(String unique);

	/**
	 * Commits every write or none, as one new revision with one audit entry per write.
	 */
	Mono<Commit> commit(Batch batch);

}
