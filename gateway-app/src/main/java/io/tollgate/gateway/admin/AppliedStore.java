package io.tollgate.gateway.admin;

import java.time.Duration;
import java.util.List;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;

/**
 * The Admin API's store: a committed write answers once this replica serves it (its view
 * has applied the commit's revision), so a client reads its own writes, and a request to
 * this replica right after the answer meets the new configuration. Bounded: after
 * {@link #WAIT} the answer goes out anyway (the write is committed; the replica catches
 * up on its own).
 */
final class AppliedStore implements ResourceStore {

	static final Duration WAIT = Duration.ofSeconds(1);

	private static final Duration POLL = Duration.ofMillis(2);

	private final ResourceStore store;

	@Nullable
	private final ManagementView view;

	AppliedStore(ResourceStore store, @Nullable ManagementView view) {
		this.store = store;
		this.view = view;
	}

	@Override
	public Mono<StoredResource> get(Kind kind, String id) {
		return this.store.get(kind, id);
	}

	@Override
	public Mono<List<StoredResource>> list(Kind kind, @Nullable String after, int limit) {
		return this.store.list(kind, after, limit);
	}

	@Override
	public Mono<StoredResource> findByUnique(String unique) {
		return this.store.findByUnique(unique);
	}

	@Override
	public Mono<Commit> commit(Batch batch) {
		return this.store.commit(batch).flatMap(commit -> commit.committed() ? applied(commit) : Mono.just(commit));
	}

	private Mono<Commit> applied(Commit commit) {
		ManagementView v = this.view;
		if (v == null || v.revision() >= commit.revision()) {
			return Mono.just(commit);
		}
		return Flux.interval(POLL, POLL)
			.filter(tick -> v.revision() >= commit.revision())
			.next()
			.timeout(WAIT, Mono.just(0L))
			.thenReturn(commit);
	}

}
