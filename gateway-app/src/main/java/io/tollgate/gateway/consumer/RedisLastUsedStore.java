package io.tollgate.gateway.consumer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.RedisCalls;

/**
 * Last uses in one Redis hash, key id to epoch milliseconds, under the management hash
 * tag ({@code {mgmt}}, one Cluster slot with the rest of the management data). Replicas
 * write their batches with {@code HSET}: two replicas flushing the same key within one
 * interval may leave the earlier of their two times, which the once-a-minute precision
 * already allows.
 */
public final class RedisLastUsedStore implements LastUsedStore {

	/** The hash of key id to last use (epoch ms). */
	public static final String KEY = "tollgate:{mgmt}:key-last-used";

	private final RedisCalls redis;

	public RedisLastUsedStore(RedisCalls redis) {
		this.redis = redis;
	}

	@Override
	public Mono<Void> record(Map<String, Instant> lastUsed) {
		if (lastUsed.isEmpty()) {
			return Mono.empty();
		}
		Map<String, String> fields = new HashMap<>();
		lastUsed.forEach((id, at) -> fields.put(id, Long.toString(at.toEpochMilli())));
		return this.redis.call(r -> r.<String, String>opsForHash().putAll(KEY, fields)).then();
	}

	@Override
	public Mono<Map<String, Instant>> read(Collection<String> keyIds) {
		if (keyIds.isEmpty()) {
			return Mono.just(Map.of());
		}
		List<String> ids = new ArrayList<>(keyIds);
		return this.redis.call(r -> r.<String, String>opsForHash().multiGet(KEY, ids)).map(values -> {
			Map<String, Instant> out = new HashMap<>();
			for (int i = 0; i < ids.size() && i < values.size(); i++) {
				String v = values.get(i);
				if (v != null) {
					try {
						out.put(ids.get(i), Instant.ofEpochMilli(Long.parseLong(v)));
					}
					catch (NumberFormatException ex) {
						// not written by Tollgate: no last use rather than a failed list
					}
				}
			}
			return out;
		});
	}

	@Override
	public Mono<Void> forget(Collection<String> keyIds) {
		if (keyIds.isEmpty()) {
			return Mono.empty();
		}
		Object[] fields = keyIds.toArray();
		return this.redis.call(r -> r.<String, String>opsForHash().remove(KEY, fields)).then();
	}

}
