package io.tollgate.gateway.consumer;

import java.time.Clock;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.OutageLog;

import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementChanges;
import io.tollgate.gateway.registry.ManagementView;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;

/**
 * Checks a presented API key, cheapest test first:
 * <ol>
 * <li>format and checksum: a mistyped or invented key never reaches a lookup;</li>
 * <li>its HMAC in the keys this replica has applied (an index kept by the change
 * listener): no Redis call for any key the replica knows, and a revoke takes effect as
 * soon as it is applied;</li>
 * <li>keys found in the store before this replica applied them (bounded cache), and
 * hashes the store did not know (bounded negative cache);</li>
 * <li>otherwise one store lookup by the unique value {@code keyHash:<hex>}, within
 * {@code tollgate.api-keys.lookups-per-second}: beyond that budget an unknown key is
 * refused without one, so a flood of random keys with valid checksums costs a bounded
 * number of Redis calls.</li>
 * </ol>
 * Every application of changes clears the cache of keys found in the store (a full reload
 * clears both caches); a lookup that was under way during one fills neither.
 */
public final class ApiKeyLookup implements ViewListener {

	private static final Logger log = LoggerFactory.getLogger(ApiKeyLookup.class);

	/** What a check found. */
	public enum Outcome {

		/** A known, unexpired key of an existing consumer. */
		VALID,

		/** Not in the key format, or its checksum fails. */
		MALFORMED,

		/** Well-formed, but no such key (never issued, revoked, or its consumer gone). */
		UNKNOWN,

		/** Issued, but past its {@code expiresAt} (a rotated key after its overlap). */
		EXPIRED,

		/** No {@code tollgate.api-keys.secret}: no key can be checked. */
		DISABLED,

		/** The store could not be asked (Redis down) and the key is not known locally. */
		UNAVAILABLE

	}

	/**
	 * @param key the key's record, for {@link Outcome#VALID} only
	 */
	public record Result(Outcome outcome, @Nullable ApiKeyRecord key) {

		static Result of(Outcome outcome) {
			return new Result(outcome, null);
		}

	}

	private record Found(ApiKeyRecord key, long revision) {
	}

	private final ApiKeyHasher hasher;

	private final ResourceCodec<ApiKeyRecord> codec;

	private final ManagementAccess access;

	private final Clock clock;

	private final LookupBudget budget;

	private final Cache<String, Found> found;

	private final Cache<String, Boolean> absent;

	/** Lookups under way, by key hash: concurrent requests with one key share one. */
	private final Map<String, Mono<Result>> inFlight = new ConcurrentHashMap<>();

	private final AtomicLong generation = new AtomicLong();

	private final AtomicBoolean disabledLogged = new AtomicBoolean();

	private final OutageLog outage = new OutageLog("Management store (API key lookups)");

	private final Map<Outcome, Counter> checks = new EnumMap<>(Outcome.class);

	@Nullable
	private final Counter lookups;

	@Nullable
	private final Counter throttled;

	/** Hash to key, for the keys this replica has applied. */
	private volatile Map<String, ApiKeyRecord> byHash = new ConcurrentHashMap<>();

	/** Key id to hash, to remove a changed or deleted key from {@link #byHash}. */
	private volatile Map<String, String> hashById = new ConcurrentHashMap<>();

	public ApiKeyLookup(ApiKeyHasher hasher, ResourceCodec<ApiKeyRecord> codec, ManagementAccess access,
			ApiKeysProperties properties, Clock clock, @Nullable MeterRegistry registry) {
		this.hasher = hasher;
		this.codec = codec;
		this.access = access;
		this.clock = clock;
		this.budget = new LookupBudget(properties.getLookupsPerSecond(), clock);
		Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
		this.found = Caffeine.newBuilder()
			.ticker(ticker)
			.maximumSize(properties.getCache().getMaxSize())
			.expireAfterWrite(properties.getCache().getTtl())
			.build();
		this.absent = Caffeine.newBuilder()
			.ticker(ticker)
			.maximumSize(properties.getNegativeCache().getMaxSize())
			.expireAfterWrite(properties.getNegativeCache().getTtl())
			.build();
		for (Outcome o : Outcome.values()) {
			if (registry != null) {
				this.checks.put(o,
						Counter.builder("tollgate.api-keys.checks")
							.description("API keys presented, by outcome")
							.tag("outcome", o.name().toLowerCase(Locale.ROOT))
							.register(registry));
			}
		}
		this.lookups = registry == null ? null
				: Counter.builder("tollgate.api-keys.lookups")
					.description("Store lookups of API keys this replica did not know")
					.register(registry);
		this.throttled = registry == null ? null
				: Counter.builder("tollgate.api-keys.lookups.throttled")
					.description("Unknown API keys refused without a store lookup, beyond the lookup budget")
					.register(registry);
	}

	public Mono<Result> check(String presented) {
		if (!this.hasher.available()) {
			if (this.disabledLogged.compareAndSet(false, true)) {
				log.warn("An API key was presented, but API keys are disabled: {} is not set, so every key is "
						+ "refused with 401", ApiKeysProperties.SECRET_PROPERTY);
			}
			return Mono.just(count(Result.of(Outcome.DISABLED)));
		}
		if (!ApiKeyFormat.wellFormed(presented)) {
			return Mono.just(count(Result.of(Outcome.MALFORMED)));
		}
		String hash = this.hasher.hash(presented);
		ApiKeyRecord known = this.byHash.get(hash);
		if (known != null) {
			return Mono.just(count(evaluate(known, -1)));
		}
		// a lookup under way first: it fills the caches below before it leaves this map
		Mono<Result> pending = this.inFlight.get(hash);
		if (pending != null) {
			return pending.map(this::count);
		}
		Found recent = this.found.getIfPresent(hash);
		if (recent != null) {
			return Mono.just(count(evaluate(recent.key(), recent.revision())));
		}
		ResourceStore store = this.access.store();
		if (store == null || this.absent.getIfPresent(hash) != null) {
			return Mono.just(count(Result.of(Outcome.UNKNOWN)));
		}
		pending = this.inFlight.get(hash);
		if (pending == null) {
			// one lookup per key at a time: concurrent requests with the same unknown key
			// share it
			if (!this.budget.tryAcquire()) {
				increment(this.throttled);
				return Mono.just(count(Result.of(Outcome.UNKNOWN)));
			}
			pending = sharedLookup(store, hash);
		}
		return pending.map(this::count);
	}

	private Mono<Result> sharedLookup(ResourceStore store, String hash) {
		long gen = this.generation.get();
		AtomicReference<Mono<Result>> self = new AtomicReference<>();
		Mono<Result> lookup = store.findByUnique(ApiKeyRecordCodec.KEY_HASH_INDEX + ":" + hash)
			.map(resource -> fromStore(resource, hash, gen))
			.switchIfEmpty(Mono.fromSupplier(() -> {
				if (this.generation.get() == gen) {
					this.absent.put(hash, Boolean.TRUE);
				}
				return Result.of(Outcome.UNKNOWN);
			}))
			.doOnNext(r -> this.outage.succeeded())
			.doOnError(ex -> this.outage.failed(ex, "API keys this replica has not applied yet are answered 503"))
			.onErrorResume(ex -> Mono.just(Result.of(Outcome.UNAVAILABLE)))
			.doFinally(signal -> this.inFlight.remove(hash, self.get()))
			.cache();
		self.set(lookup);
		Mono<Result> earlier = this.inFlight.putIfAbsent(hash, lookup);
		if (earlier != null) {
			// another request with the same key got there first: its lookup is the one
			return earlier;
		}
		increment(this.lookups);
		return lookup;
	}

	private Result fromStore(StoredResource resource, String hash, long gen) {
		if (resource.kind() != Kind.KEYS) {
			return Result.of(Outcome.UNKNOWN);
		}
		ResourceCodec.Parsed<ApiKeyRecord> parsed = this.codec.parse(resource.id(), resource.json());
		if (!parsed.isValid() || !parsed.value().keyHash().equals(hash)) {
			// the replica's sync reports invalid resources; here it is just no key
			return Result.of(Outcome.UNKNOWN);
		}
		if (this.generation.get() == gen) {
			this.found.put(hash, new Found(parsed.value(), resource.revision()));
		}
		return evaluate(parsed.value(), resource.revision());
	}

	/**
	 * @param revision the store revision the key was read at, -1 when it comes from this
	 * replica's view
	 */
	private Result evaluate(ApiKeyRecord key, long revision) {
		ManagementView view = this.access.view();
		if (view != null && view.get(Kind.CONSUMERS, key.consumer(), Consumer.class) == null
				&& (revision < 0 || revision <= view.revision())) {
			// the consumer was deleted (a key read from the store ahead of this replica's
			// view may belong to a consumer the view does not have yet)
			return Result.of(Outcome.UNKNOWN);
		}
		if (!key.activeAt(this.clock.instant())) {
			return Result.of(Outcome.EXPIRED);
		}
		return new Result(Outcome.VALID, key);
	}

	@Override
	public void onChange(ManagementChanges changes, ManagementView view) {
		// Every application, whatever it reports: a key created and deleted again
		// between two applications never reaches the view, so no change of keys is
		// reported for it, yet this replica may have found it in the store meanwhile.
		this.generation.incrementAndGet();
		this.found.invalidateAll();
		if (changes.full()) {
			// the store may have been replaced (restored, flushed): forget what it lacked
			this.absent.invalidateAll();
		}
		if (!changes.touches(Kind.KEYS)) {
			return;
		}
		Map<String, ApiKeyRecord> keys = view.all(Kind.KEYS, ApiKeyRecord.class);
		if (changes.full()) {
			Map<String, ApiKeyRecord> nextByHash = new ConcurrentHashMap<>();
			Map<String, String> nextHashById = new ConcurrentHashMap<>();
			keys.forEach((id, key) -> {
				nextByHash.put(key.keyHash(), key);
				nextHashById.put(id, key.keyHash());
			});
			this.byHash = nextByHash;
			this.hashById = nextHashById;
			return;
		}
		Set<String> ids = new HashSet<>(changes.changed().get(Kind.KEYS));
		ids.addAll(changes.deleted().get(Kind.KEYS));
		Map<String, ApiKeyRecord> currentByHash = this.byHash;
		Map<String, String> currentHashById = this.hashById;
		for (String id : ids) {
			ApiKeyRecord now = keys.get(id);
			// add before removing: a key changed in place never looks absent
			if (now != null) {
				currentByHash.put(now.keyHash(), now);
			}
			String old = now != null ? currentHashById.put(id, now.keyHash()) : currentHashById.remove(id);
			if (old != null && (now == null || !old.equals(now.keyHash()))) {
				currentByHash.remove(old);
			}
		}
	}

	/** How many keys this replica knows (for tests and diagnostics). */
	int knownKeys() {
		return this.byHash.size();
	}

	private Result count(Result result) {
		increment(this.checks.get(result.outcome()));
		return result;
	}

	private static void increment(@Nullable Counter counter) {
		if (counter != null) {
			counter.increment();
		}
	}

}
