package io.tollgate.gateway.consumer;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.AuditChain;
import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.ChangeSet;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.InMemoryManagementStore;
import io.tollgate.gateway.registry.InvalidResources;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;

/**
 * Until the registry's own sync exists: gateways in one JVM (named by
 * {@code test.management.store}) share one {@link InMemoryManagementStore}, as replicas
 * share Redis, and each applies its changes to its own {@link ManagementState} on every
 * announcement, as the registry's sync does. Registered with {@code spring.main.sources}.
 * Store lookups by unique value are counted per store (the Redis round trips of a real
 * store). Not annotated: the application's component scan must not pick it up for other
 * tests; {@code spring.main.sources} registers it, its bean methods in lite mode.
 */
public class SharedManagementTestConfiguration {

	static final String STORE_PROPERTY = "test.management.store";

	private static final Map<String, InMemoryManagementStore> STORES = new ConcurrentHashMap<>();

	private static final Map<String, AtomicLong> LOOKUPS = new ConcurrentHashMap<>();

	static InMemoryManagementStore store(String name) {
		return STORES.computeIfAbsent(name,
				n -> new InMemoryManagementStore(Clock.systemUTC(), AuditChain.of(null), 10_000));
	}

	static AtomicLong lookups(String name) {
		return LOOKUPS.computeIfAbsent(name, n -> new AtomicLong());
	}

	static void forget(String name) {
		STORES.remove(name);
		LOOKUPS.remove(name);
	}

	@Bean
	ResourceStore sharedResourceStore(@Value("${" + STORE_PROPERTY + "}") String name) {
		InMemoryManagementStore store = store(name);
		AtomicLong lookups = lookups(name);
		return new ResourceStore() {
			@Override
			public Mono<StoredResource> get(Kind kind, String id) {
				return store.get(kind, id);
			}

			@Override
			public Mono<List<StoredResource>> list(Kind kind, String after, int limit) {
				return store.list(kind, after, limit);
			}

			@Override
			public Mono<StoredResource> findByUnique(String unique) {
				return Mono.defer(() -> {
					lookups.incrementAndGet();
					return store.findByUnique(unique);
				});
			}

			@Override
			public Mono<Commit> commit(Batch batch) {
				return store.commit(batch);
			}
		};
	}

	@Bean
	ManagementState managementState(List<ResourceCodec<?>> codecs) {
		return new ManagementState(codecs, new InvalidResources(null));
	}

	@Bean
	SmartLifecycle sharedManagementSync(@Value("${" + STORE_PROPERTY + "}") String name, ManagementState state) {
		return new Sync(store(name), state);
	}

	/**
	 * Snapshot at start, then every announced change (the in-memory store is
	 * synchronous).
	 */
	static final class Sync implements SmartLifecycle {

		private final InMemoryManagementStore store;

		private final ManagementState state;

		private volatile Disposable subscription;

		Sync(InMemoryManagementStore store, ManagementState state) {
			this.store = store;
			this.state = state;
		}

		private synchronized void catchUp() {
			ChangeSet changes = this.store.changesSince(this.state.revision()).block();
			if (changes.gap()) {
				this.state.load(this.store.snapshot().block());
			}
			else if (!changes.isEmpty()) {
				this.state.apply(changes);
			}
		}

		@Override
		public void start() {
			this.state.load(this.store.snapshot().block());
			this.subscription = this.store.announcements(() -> {
			}).subscribe(revision -> catchUp());
		}

		@Override
		public void stop() {
			Disposable s = this.subscription;
			this.subscription = null;
			if (s != null) {
				s.dispose();
			}
		}

		@Override
		public boolean isRunning() {
			return this.subscription != null;
		}

	}

}
