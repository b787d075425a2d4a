package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.tollgate.gateway.registry.AuditChain;
import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.InMemoryManagementStore;
import io.tollgate.gateway.registry.InvalidResources;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementState;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;
import io.tollgate.testsupport.time.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lookup against a store this replica's view lags behind (the registry's sync is
 * driven by hand here): keys found in the store before they are applied, the caches, the
 * budget, and what a change does to them.
 */
class ApiKeyLookupTest {

	static final String SECRET = "0123456789abcdef0123456789abcdef";

	final MutableClock clock = MutableClock.at(Instant.now());

	final InMemoryManagementStore store = new InMemoryManagementStore(this.clock, AuditChain.of(SECRET), 1000);

	final AtomicLong lookups = new AtomicLong();

	final ManagementState state = new ManagementState(
			List.of(new PlanCodec(), new ConsumerCodec(), new ApiKeyRecordCodec()), new InvalidResources(null));

	final ApiKeyHasher hasher = new ApiKeyHasher(SECRET);

	final ApiKeyFormat format = new ApiKeyFormat(new SecureRandom());

	ApiKeyLookup lookup;

	ApiKeyService service;

	ManagementAccess access;

	@BeforeEach
	void setUp() {
		ApiKeysProperties properties = new ApiKeysProperties();
		properties.setLookupsPerSecond(5);
		this.lookup = lookupOver(new CountingStore(this.store, this.lookups), properties);
		LastUsedStore lastUsed = new InMemoryLastUsedStore();
		this.service = new DefaultApiKeyService(this.hasher, this.format, new ApiKeyRecordCodec(), this.access,
				new ConsumerKeys(this.access, new ApiKeyRecordCodec()),
				new LastUsedTracker(lastUsed, this.clock, Duration.ofMinutes(1)), lastUsed, this.clock,
				new SecureRandom());
		put(Kind.CONSUMERS, "acme", "{\"clientIds\":[]}");
		sync();
	}

	/**
	 * A lookup over {@code store} and this test's view, wired as the application does.
	 */
	ApiKeyLookup lookupOver(ResourceStore store, ApiKeysProperties properties) {
		DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
		beans.registerSingleton("view", this.state);
		beans.registerSingleton("store", store);
		this.access = new ManagementAccess(beans.getBeanProvider(ManagementView.class),
				beans.getBeanProvider(ResourceStore.class), beans.getBeanProvider(ManagementState.class),
				beans.getBeanProvider(ViewListener.class));
		ApiKeyLookup created = new ApiKeyLookup(this.hasher, new ApiKeyRecordCodec(), this.access, properties,
				this.clock, null);
		beans.registerSingleton("lookup", created);
		this.access.afterSingletonsInstantiated();
		return created;
	}

	void put(Kind kind, String id, String json) {
		Commit c = this.store
			.commit(Batch.of("t", "replace", Write.put(kind, id, json, Precondition.any(), Set.of(), null, json)))
			.block();
		assertThat(c.committed()).isTrue();
	}

	/** What the registry's sync would do on an announcement. */
	void sync() {
		this.state.apply(this.store.changesSince(this.state.revision()).block());
	}

	ApiKeyLookup.Outcome check(String key) {
		return this.lookup.check(key).block().outcome();
	}

	@Test
	void whenKeyNotYetApplied_thenFoundInTheStoreOnce_thenFromTheCache_thenFromTheView() {
		IssuedKey key = this.service.issue("acme", null, null, "t", false).block();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		assertThat(this.lookups.get()).isEqualTo(1);
		sync();
		assertThat(this.lookup.knownKeys()).isEqualTo(1);
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		assertThat(this.lookups.get()).isEqualTo(1);
	}

	@Test
	void whenConsumerAndKeyBothAheadOfTheView_thenTheKeyIsAccepted_butAKeyOfADeletedConsumerIsNot() {
		put(Kind.CONSUMERS, "newcomer", "{\"clientIds\":[]}");
		IssuedKey key = this.service.issue("newcomer", null, null, "t", false).block();
		assertThat(check(key.key())).as("view has neither yet").isEqualTo(ApiKeyLookup.Outcome.VALID);
		sync();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		this.store.commit(Batch.of("t", "delete", Write.delete(Kind.CONSUMERS, "newcomer", Precondition.any())))
			.block();
		sync();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
	}

	@Test
	void whenRevokedInTheStore_thenRefusedOnceApplied_evenIfItWasCachedFromTheStore() {
		IssuedKey key = this.service.issue("acme", null, null, "t", false).block();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		this.service.revoke("acme", key.id(), "t", false).block();
		sync();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
		long after = this.lookups.get();
		for (int i = 0; i < 10; i++) {
			assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
		}
		assertThat(this.lookups.get()).as("negative cache").isEqualTo(after);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
		assertThat(this.lookups.get()).as("negative entry expired after 30 s").isEqualTo(after + 1);
	}

	@Test
	void whenAChangeHappensDuringALookup_thenItsResultIsNotCached() {
		IssuedKey key = this.service.issue("acme", null, null, "t", false).block();
		// a lookup that answers only after the revoke has been applied
		Sinks.One<Void> gate = Sinks.one();
		ResourceStore slow = new CountingStore(this.store, this.lookups) {
			@Override
			public Mono<StoredResource> findByUnique(String unique) {
				return super.findByUnique(unique).delayUntil(r -> gate.asMono());
			}
		};
		ApiKeyLookup racing = lookupOver(slow, new ApiKeysProperties());
		Mono<ApiKeyLookup.Result> pending = racing.check(key.key()).cache();
		pending.subscribe();
		this.service.revoke("acme", key.id(), "t", false).block();
		sync();
		gate.tryEmitEmpty();
		assertThat(pending.block().outcome()).as("answered from what the store said then")
			.isEqualTo(ApiKeyLookup.Outcome.VALID);
		assertThat(racing.check(key.key()).block().outcome()).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
	}

	@Test
	void whenExpiryPasses_thenExpired() {
		IssuedKey key = this.service.issue("acme", null, this.clock.instant().plusSeconds(10), "t", false).block();
		sync();
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.VALID);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(check(key.key())).isEqualTo(ApiKeyLookup.Outcome.EXPIRED);
	}

	@Test
	void whenUnknownKeysExceedTheBudget_thenRefusedWithoutLookup_untilTheBudgetRefills() {
		for (int i = 0; i < 20; i++) {
			assertThat(check(this.format.generate())).isEqualTo(ApiKeyLookup.Outcome.UNKNOWN);
		}
		assertThat(this.lookups.get()).isEqualTo(5);
		this.clock.advance(Duration.ofMillis(400));
		for (int i = 0; i < 20; i++) {
			check(this.format.generate());
		}
		assertThat(this.lookups.get()).isEqualTo(7);
		assertThat(check("tg_nonsense")).isEqualTo(ApiKeyLookup.Outcome.MALFORMED);
		assertThat(this.lookups.get()).isEqualTo(7);
	}

	@Test
	void whenStoreFails_thenUnavailableAndNothingCached() {
		ApiKeyLookup failing = lookupOver(new CountingStore(this.store, this.lookups) {
			@Override
			public Mono<StoredResource> findByUnique(String unique) {
				return Mono.error(new IllegalStateException("Redis is down"));
			}
		}, new ApiKeysProperties());
		String key = this.format.generate();
		assertThat(failing.check(key).block().outcome()).isEqualTo(ApiKeyLookup.Outcome.UNAVAILABLE);
		assertThat(failing.check(key).block().outcome()).isEqualTo(ApiKeyLookup.Outcome.UNAVAILABLE);
	}

	static class CountingStore implements ResourceStore {

		private final InMemoryManagementStore delegate;

		private final AtomicLong lookups;

		CountingStore(InMemoryManagementStore delegate, AtomicLong lookups) {
			this.delegate = delegate;
			this.lookups = lookups;
		}

		@Override
		public Mono<StoredResource> get(Kind kind, String id) {
			return this.delegate.get(kind, id);
		}

		@Override
		public Mono<List<StoredResource>> list(Kind kind, String after, int limit) {
			return this.delegate.list(kind, after, limit);
		}

		@Override
		public Mono<StoredResource> findByUnique(String unique) {
			return Mono.defer(() -> {
				this.lookups.incrementAndGet();
				return this.delegate.findByUnique(unique);
			});
		}

		@Override
		public Mono<Commit> commit(Batch batch) {
			return this.delegate.commit(batch);
		}

	}

}
