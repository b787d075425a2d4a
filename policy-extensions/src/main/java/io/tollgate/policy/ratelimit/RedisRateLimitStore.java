package io.tollgate.policy.ratelimit;

import java.time.Clock;
import java.time.Instant;

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

	private final Clock clock;

	public RedisRateLimitStore(RedisCalls redis, LuaScript script, Clock clock) {
		this.redis = redis;
		this.script = script;
		this.clock = clock;
	}

	/**
	 * One script call. The time is this replica's, taken now (so a pause before the call
	 * only makes the decision stricter): no {@code TIME} command in the script.
	 */
	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		int limits = policy.limits().size();
		return this.redis.script(this.script, policy.keys(callerKey), policy.scriptArgs(nowMicros()))
			.map(reply -> RateLimitDecision.fromScript(reply, limits, RateLimitDecision.Source.SHARED));
	}

	private long nowMicros() {
		Instant now = this.clock.instant();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
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
