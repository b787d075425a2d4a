package io.tollgate.gateway.admin;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;

import io.tollgate.gateway.consumer.ApiKeyService;
import io.tollgate.gateway.consumer.IssuedKey;
import io.tollgate.gateway.consumer.KeyInfo;
import io.tollgate.gateway.registry.Kind;
import io.tollgate.gateway.registry.ManagementProblem;
import io.tollgate.gateway.registry.ResourceStore;

/**
 * An in-memory key service for the Admin API's tests (the real one comes from the
 * consumers work): checks the consumer exists in the store, records each call.
 */
final class TestApiKeyService implements ApiKeyService {

	record Call(String operation, String consumer, String actor, boolean dryRun, Object argument) {
	}

	final AtomicBoolean available = new AtomicBoolean(true);

	final List<Call> calls = new CopyOnWriteArrayList<>();

	private final Map<String, Map<String, KeyInfo>> keys = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	private final SecureRandom random = new SecureRandom();

	private final ResourceStore store;

	private final Clock clock = Clock.systemUTC();

	TestApiKeyService(ResourceStore store) {
		this.store = store;
	}

	@Override
	public boolean available() {
		return this.available.get();
	}

	@Override
	public Mono<IssuedKey> issue(String consumerId, String name, Instant expiresAt, String actor, boolean dryRun) {
		return consumer(consumerId).map(found -> {
			this.calls.add(new Call("issue", consumerId, actor, dryRun, expiresAt));
			IssuedKey key = newKey(name, expiresAt);
			if (!dryRun) {
				keysOf(consumerId).put(key.id(),
						new KeyInfo(key.id(), key.prefix(), name, key.createdAt(), expiresAt, null));
			}
			return key;
		});
	}

	@Override
	public Mono<List<KeyInfo>> list(String consumerId) {
		return consumer(consumerId).map(found -> new ArrayList<>(keysOf(consumerId).values()));
	}

	@Override
	public Mono<Void> revoke(String consumerId, String keyId, String actor, boolean dryRun) {
		return key(consumerId, keyId).doOnNext(info -> {
			this.calls.add(new Call("revoke", consumerId, actor, dryRun, keyId));
			if (!dryRun) {
				keysOf(consumerId).remove(keyId);
			}
		}).then();
	}

	@Override
	public Mono<IssuedKey> rotate(String consumerId, String keyId, Duration overlap, String actor, boolean dryRun) {
		return key(consumerId, keyId).map(old -> {
			this.calls.add(new Call("rotate", consumerId, actor, dryRun, overlap));
			IssuedKey key = newKey(old.name(), old.expiresAt());
			if (!dryRun) {
				keysOf(consumerId).put(keyId, new KeyInfo(old.id(), old.prefix(), old.name(), old.createdAt(),
						this.clock.instant().plus(overlap), old.lastUsedAt()));
				keysOf(consumerId).put(key.id(),
						new KeyInfo(key.id(), key.prefix(), key.name(), key.createdAt(), key.expiresAt(), null));
			}
			return key;
		});
	}

	private IssuedKey newKey(String name, Instant expiresAt) {
		StringBuilder secret = new StringBuilder("tg_");
		String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
		for (int i = 0; i < 43; i++) {
			secret.append(alphabet.charAt(this.random.nextInt(alphabet.length())));
		}
		String key = secret.toString();
		return new IssuedKey("key-" + this.ids.incrementAndGet(), key, key.substring(0, 10), name, this.clock.instant(),
				expiresAt);
	}

	private Map<String, KeyInfo> keysOf(String consumerId) {
		return this.keys.computeIfAbsent(consumerId, c -> new ConcurrentHashMap<>());
	}

	private Mono<Object> consumer(String consumerId) {
		return this.store.get(Kind.CONSUMERS, consumerId)
			.cast(Object.class)
			.switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(Kind.CONSUMERS, consumerId)));
	}

	private Mono<KeyInfo> key(String consumerId, String keyId) {
		return consumer(consumerId).flatMap(found -> Mono.justOrEmpty(keysOf(consumerId).get(keyId)))
			.switchIfEmpty(Mono.error(() -> ManagementProblem.notFound(Kind.KEYS, keyId)));
	}

}
