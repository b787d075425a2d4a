package io.tollgate.policy.replica;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisCalls;
import io.tollgate.policy.redis.ScriptReply;

/**
 * Replicas in Redis: a sorted set of id to last-seen time and a hash of attributes, both
 * under one hash tag (one script call, one Cluster slot).
 */
public final class RedisReplicaStore implements ReplicaStore {

	/** Sorted set of replica id to last-seen time (Redis clock, ms). */
	public static final String MEMBERS_KEY = "tollgate:{replicas}";

	/** Hash of replica id to its encoded attributes. */
	public static final String INFO_KEY = "tollgate:{replicas}:info";

	private static final List<String> KEYS = List.of(MEMBERS_KEY, INFO_KEY);

	private final RedisCalls redis;

	private final LuaScript script;

	public RedisReplicaStore(RedisCalls redis, LuaScript script) {
		this.redis = redis;
		this.script = script;
	}

	@Override
	public Mono<ReplicaView> beat(String replicaId, Map<String, String> attributes, Duration expiry) {
		return this.redis
			.script(this.script, KEYS, List.of(replicaId, Long.toString(expiry.toMillis()), encode(attributes)))
			.map(RedisReplicaStore::view);
	}

	@Override
	public Mono<Void> leave(String replicaId) {
		return this.redis
			.call(redis -> redis.opsForZSet()
				.remove(MEMBERS_KEY, replicaId)
				.then(redis.opsForHash().remove(INFO_KEY, replicaId)))
			.then();
	}

	private static ReplicaView view(ScriptReply reply) {
		List<Replica> replicas = new ArrayList<>((reply.size() - 1) / 3);
		for (int i = 1; i + 2 < reply.size(); i += 3) {
			replicas.add(new Replica(reply.stringAt(i), reply.longAt(i + 1), decode(reply.stringAt(i + 2))));
		}
		return new ReplicaView(reply.longAt(0), replicas);
	}

	static String encode(Map<String, String> attributes) {
		StringBuilder sb = new StringBuilder();
		new TreeMap<>(attributes).forEach((k, v) -> {
			if (sb.length() > 0) {
				sb.append('&');
			}
			sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8))
				.append('=')
				.append(URLEncoder.encode(v, StandardCharsets.UTF_8));
		});
		return sb.toString();
	}

	static Map<String, String> decode(String encoded) {
		Map<String, String> out = new LinkedHashMap<>();
		if (encoded == null || encoded.isEmpty()) {
			return out;
		}
		for (String pair : encoded.split("&")) {
			int eq = pair.indexOf('=');
			if (eq > 0) {
				out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
						URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
			}
		}
		return out;
	}

}
