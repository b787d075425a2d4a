package io.tollgate.policy.ratelimit;

import java.util.List;

import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisCalls;
import io.tollgate.policy.redis.RedisWarmup;

/**
 * The shared store: one {@code EVALSHA} of {@code ratelimit.lua} per request, time taken
 * from the Redis server. Its warm-up runs the script once on a scratch key before traffic
 * arrives.
 */
public final class RedisRateLimitStore implements RateLimitStore, RedisWarmup {

	private static final RateLimitPolicy WARMUP = new RateLimitPolicy("tollgate-warmup", Algorithm.GCRA,
			List.of(new Limit(1, 1000, 0, "1s")), 1, OnStoreFailure.DENY);

	private final RedisCalls redis;

	private final LuaScript script;

	public RedisRateLimitStore(RedisCalls redis, LuaScript script) {
		this.redis = redis;
		this.script = script;
	}

	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		int limits = policy.limits().size();
		return this.redis.script(this.script, policy.keys(callerKey), policy.scriptArgs())
			.map(reply -> RateLimitDecision.fromScript(reply, limits, RateLimitDecision.Source.SHARED));
	}

	@Override
	public Mono<Void> warmUp() {
		return consume(WARMUP, "warmup").then();
	}

	@Override
	public String toString() {
		return "RedisRateLimitStore";
	}

}
