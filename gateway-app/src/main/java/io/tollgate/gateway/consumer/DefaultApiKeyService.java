package io.tollgate.gateway.consumer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

import io.tollgate.gateway.registry.Batch;
import io.tollgate.gateway.registry.Commit;
import io.tollgate.gateway.registry.FieldError;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.Precondition;
import io.tollgate.gateway.registry.ResourceCodec;
import io.tollgate.gateway.registry.ResourceStore;
import io.tollgate.gateway.registry.StoredResource;
import io.tollgate.gateway.registry.Write;
import io.tollgate.policy.redis.OutageLog;

/**
 * Keys through the management store: every change is one committed batch with its audit
 * entries ({@code issue-key}, {@code revoke-key}, {@code rotate-key}), which hold the
 * key's record without its hash. The key itself exists only in the answer to an issue or
 * a rotation.
 *
 * <p>
 * Rotation replaces a key by a new one with the same name and the same expiry (rotating
 * never extends a key's life); the old one keeps working until the overlap ends, never
 * past its own expiry. An expired key cannot be rotated: issue a new one. A dry run
 * validates everything and writes nothing; its answer carries no key (empty {@code key}
 * and {@code prefix}).
 */
public final class DefaultApiKeyService implements ApiKeyService {

	static final String ISSUE = "issue-key";

	static final String REVOKE = "revoke-key";

	static final String ROTATE = "rotate-key";

	/** Longest rotation overlap accepted. */
	static final Duration MAX_OVERLAP = Duration.ofDays(365);

	private static final String ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

	private static final int ID_LENGTH = 20;

	private final ApiKeyHasher hasher;

	private final ApiKeyFormat format;

	private final ResourceCodec<ApiKeyRecord> codec;

	private final ManagementAccess access;

	private final ConsumerKeys keys;

	private final LastUsedTracker lastUsed;

	private final LastUsedStore lastUsedStore;

	private final Clock clock;

	private final SecureRandom random;

	private final OutageLog lastUsedOutage = new OutageLog("API key last-used store (listing)");

	public DefaultApiKeyService(ApiKeyHasher hasher, ApiKeyFormat format, ResourceCodec<ApiKeyRecord> codec,
			ManagementAccess access, ConsumerKeys keys, LastUsedTracker lastUsed, LastUsedStore lastUsedStore,
			Clock clock, SecureRandom random) {
		this.hasher = hasher;
		this.format = format;
		this.codec = codec;
		this.access = access;
		this.keys = keys;
		this.lastUsed = lastUsed;
		this.lastUsedStore = lastUsedStore;
		this.clock = clock;
		this.random = random;
	}

	@Override
	public boolean available() {
		return this.hasher.available();
	}

	@Override
	public Mono<IssuedKey> issue(String consumerId, @Nullable String name, @Nullable Instant expiresAt, String actor,
			boolean dryRun) {
		return Mono.defer(() -> {
			ResourceStore store = ready();
			Instant now = now();
			List<FieldError> errors = new ArrayList<>();
			if (name != null) {
				checkName(name, errors);
			}
			if (expiresAt != null && !expiresAt.isAfter(now)) {
				errors.add(new FieldError("expiresAt", "must be in the future"));
			}
			if (!errors.isEmpty()) {
				return Mono.error(ManagementProblem.invalid(errors));
			}
			Instant expiry = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MILLIS);
			return requireConsumer(store, consumerId).then(Mono.defer(() -> {
				String key = this.format.generate();
				ApiKeyRecord record = newRecord(consumerId, key, name, now, expiry);
				if (dryRun) {
					return Mono.just(new IssuedKey(record.id(), "", "", name, now, expiry));
				}
				Write write = Write.put(Kind.KEYS, record.id(), checkedCanonical(record), Precondition.absent(),
						this.codec.uniques(record), null, this.codec.redacted(record));
				return commit(store, Batch.of(actor, ISSUE, write))
					.thenReturn(new IssuedKey(record.id(), key, record.prefix(), name, now, expiry));
			}));
		});
	}

	@Override
	public Mono<List<KeyInfo>> list(String consumerId) {
		return Mono.defer(() -> {
			ResourceStore store = ready();
			return requireConsumer(store, consumerId).then(Mono.defer(() -> this.keys.keysOf(store, consumerId)))
				.flatMap(keys -> {
					List<String> ids = keys.stream().map(ApiKeyRecord::id).toList();
					return this.lastUsedStore.read(ids)
						.doOnNext(v -> this.lastUsedOutage.succeeded())
						.doOnError(ex -> this.lastUsedOutage.failed(ex, "keys are listed without their last use"))
						.onErrorResume(ex -> Mono.just(Map.of()))
						.map(stored -> {
							Map<String, Instant> times = new HashMap<>(stored);
							this.lastUsed.unwritten(ids)
								.forEach((id, at) -> times.merge(id, at, DefaultApiKeyService::later));
							return keys.stream()
								.sorted(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::id))
								.map(k -> k.info(times.get(k.id())))
								.toList();
						});
				});
		});
	}

	@Override
	public Mono<Void> revoke(String consumerId, String keyId, String actor, boolean dryRun) {
		return Mono.defer(() -> {
			ResourceStore store = ready();
			return existingKey(store, consumerId, keyId).flatMap(found -> {
				if (dryRun) {
					return Mono.empty();
				}
				Write write = Write.delete(Kind.KEYS, keyId, Precondition.exists(),
						this.codec.redacted(found.record()));
				return commit(store, Batch.of(actor, REVOKE, write))
					.then(this.lastUsed.forget(List.of(keyId)).onErrorResume(ex -> Mono.empty()));
			});
		});
	}

	@Override
	public Mono<IssuedKey> rotate(String consumerId, String keyId, Duration overlap, String actor, boolean dryRun) {
		return Mono.defer(() -> {
			ResourceStore store = ready();
			if (overlap == null || overlap.isNegative() || overlap.compareTo(MAX_OVERLAP) > 0) {
				return Mono.error(ManagementProblem.invalid(List.of(new FieldError("overlap",
						"must be a duration from 0s to " + MAX_OVERLAP.toDays() + "d, such as 24h"))));
			}
			return existingKey(store, consumerId, keyId).flatMap(found -> {
				ApiKeyRecord old = found.record();
				Instant now = now();
				if (!old.activeAt(now)) {
					return Mono.error(new ManagementProblem(409, "Conflict",
							"The key has expired and cannot be rotated: issue a new one"));
				}
				Instant overlapEnd = now.plus(overlap).truncatedTo(ChronoUnit.MILLIS);
				Instant oldExpiry = old.expiresAt() != null && old.expiresAt().isBefore(overlapEnd) ? old.expiresAt()
						: overlapEnd;
				ApiKeyRecord retiring = old.withExpiresAt(oldExpiry);
				String key = this.format.generate();
				ApiKeyRecord next = newRecord(consumerId, key, old.name(), now, old.expiresAt());
				if (dryRun) {
					return Mono.just(new IssuedKey(next.id(), "", "", next.name(), now, next.expiresAt()));
				}
				Batch batch = new Batch(actor, ROTATE,
						List.of(Write.put(Kind.KEYS, old.id(), checkedCanonical(retiring),
								Precondition.revision(found.resource().revision()), this.codec.uniques(retiring),
								this.codec.redacted(old), this.codec.redacted(retiring)),
								Write.put(Kind.KEYS, next.id(), checkedCanonical(next), Precondition.absent(),
										this.codec.uniques(next), null, this.codec.redacted(next))));
				return commit(store, batch)
					.thenReturn(new IssuedKey(next.id(), key, next.prefix(), next.name(), now, next.expiresAt()));
			});
		});
	}

	private ResourceStore ready() {
		if (!this.hasher.available()) {
			throw new ManagementProblem(503, "Service Unavailable",
					"API keys are disabled: " + ApiKeysProperties.SECRET_PROPERTY + " is not set on this gateway");
		}
		ResourceStore store = this.access.store();
		if (store == null) {
			throw new ManagementProblem(503, "Service Unavailable", "No management store is configured");
		}
		return store;
	}

	private ApiKeyRecord newRecord(String consumerId, String key, @Nullable String name, Instant now,
			@Nullable Instant expiresAt) {
		return new ApiKeyRecord(newId(), consumerId, ApiKeyFormat.displayPrefix(key), this.hasher.hash(key), name, now,
				expiresAt);
	}

	/** The canonical JSON, read back through the codec the replicas will use. */
	private String checkedCanonical(ApiKeyRecord record) {
		String json = this.codec.canonical(record);
		ResourceCodec.Parsed<ApiKeyRecord> parsed = this.codec.parse(record.id(), json);
		if (!parsed.isValid()) {
			throw ManagementProblem.invalid(parsed.errors());
		}
		return json;
	}

	private static void checkName(String name, List<FieldError> errors) {
		if (name.length() > 200) {
			errors.add(new FieldError("name", "at most 200 characters"));
			return;
		}
		for (int i = 0; i < name.length(); i++) {
			if (Character.isISOControl(name.charAt(i))) {
				errors.add(new FieldError("name", "must not contain control characters"));
				return;
			}
		}
		StrictJson.expressionFree("name", name, errors);
	}

	private Mono<Void> requireConsumer(ResourceStore store, String consumerId) {
		if (!StrictJson.validId(consumerId)) {
			return Mono.error(ManagementProblem.notFound(Kind.CONSUMERS, consumerId));
		}
		return store.get(Kind.CONSUMERS, consumerId)
			.switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(Kind.CONSUMERS, consumerId)))
			.then();
	}

	private record FoundKey(StoredResource resource, ApiKeyRecord record) {
	}

	private Mono<FoundKey> existingKey(ResourceStore store, String consumerId, String keyId) {
		return requireConsumer(store, consumerId).then(Mono.defer(() -> {
			if (!StrictJson.validId(keyId)) {
				return Mono.error(ManagementProblem.notFound(Kind.KEYS, keyId));
			}
			return store.get(Kind.KEYS, keyId).flatMap(resource -> {
				ResourceCodec.Parsed<ApiKeyRecord> parsed = this.codec.parse(keyId, resource.json());
				return parsed.isValid() && parsed.value().consumer().equals(consumerId)
						? Mono.just(new FoundKey(resource, parsed.value())) : Mono.<FoundKey>empty();
			}).switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(Kind.KEYS, keyId)));
		}));
	}

	private static Mono<Long> commit(ResourceStore store, Batch batch) {
		return store.commit(batch).flatMap(commit -> {
			if (commit.committed()) {
				return Mono.just(commit.revision());
			}
			return Mono.error(problem(commit));
		});
	}

	private static ManagementProblem problem(Commit commit) {
		return switch (commit.reason()) {
			case NOT_FOUND -> new ManagementProblem(404, "Not Found", "The key no longer exists");
			case PRECONDITION_FAILED ->
				new ManagementProblem(409, "Conflict", "The key changed while this request ran: retry");
			case CONFLICT -> new ManagementProblem(409, "Conflict", "A unique value is already taken");
		};
	}

	static Instant later(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	private String newId() {
		char[] id = new char[ID_LENGTH];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET.charAt(this.random.nextInt(ID_ALPHABET.length()));
		}
		return new String(id);
	}

}
