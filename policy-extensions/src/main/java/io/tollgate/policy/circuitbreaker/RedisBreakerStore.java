package io.tollgate.policy.circuitbreaker;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisCalls;
import io.tollgate.policy.redis.RedisChannels;

/**
 * Shared breaker state in Redis: one state hash and one window hash per breaker, both
 * under the breaker's hash tag so every script touches one Cluster slot; changes
 * announced on one channel.
 */
public final class RedisBreakerStore implements BreakerStore {

	private final RedisCalls redis;

	private final RedisChannels channels;

	private final String channel;

	private final Scripts scripts;

	public RedisBreakerStore(RedisCalls redis, RedisChannels channels, String channel, Scripts scripts) {
		this.redis = redis;
		this.channels = channels;
		this.channel = channel;
		this.scripts = scripts;
	}

	/** The breaker scripts, one bean each. */
	public record Scripts(LuaScript record, LuaScript acquire, LuaScript trial, LuaScript state, LuaScript force) {
	}

	static String stateKey(String name) {
		return "tollgate:cb:{" + name + "}:state";
	}

	static String windowKey(String name) {
		return "tollgate:cb:{" + name + "}:win";
	}

	@Override
	public boolean available() {
		return this.redis.available();
	}

	@Override
	public Mono<SharedSnapshot> record(BreakerSettings s, long calls, long failures, long slow) {
		return this.redis.script(this.scripts.record(), keys(s.name()),
				args(s.name(), this.channel, calls, failures, slow, s.slidingWindowSeconds(), s.minimumCalls(),
						number(s.failureRateThreshold()), number(s.slowCallRateThreshold()), s.waitInOpen().toMillis()))
			.map(reply -> SharedSnapshot.fromReply(reply, BreakerState.Cause.RATE));
	}

	@Override
	public Mono<TrialPermit> acquireTrial(BreakerSettings s) {
		return this.redis
			.script(this.scripts.acquire(), List.of(stateKey(s.name())),
					args(s.name(), this.channel, s.halfOpenCalls(), s.trialTimeout().toMillis()))
			.map(reply -> new TrialPermit(SharedSnapshot.fromReply(reply, BreakerState.Cause.WAIT),
					TrialPermit.Verdict.valueOf(reply.stringAt(3))));
	}

	@Override
	public Mono<SharedSnapshot> reportTrial(BreakerSettings s, long version, TrialOutcome outcome) {
		return this.redis
			.script(this.scripts.trial(), keys(s.name()),
					args(s.name(), this.channel, version, outcome.name(), s.halfOpenCalls(),
							number(s.failureRateThreshold()), s.waitInOpen().toMillis()))
			.map(reply -> SharedSnapshot.fromReply(reply, BreakerState.Cause.TRIAL));
	}

	@Override
	public Mono<SharedSnapshot> read(String name) {
		return this.redis.script(this.scripts.state(), List.of(stateKey(name)), List.of())
			.map(reply -> SharedSnapshot.fromReply(reply, null));
	}

	@Override
	public Mono<SharedSnapshot> force(String name, BreakerOverride override) {
		return this.redis.script(this.scripts.force(), keys(name), args(name, this.channel, override.name()))
			.map(reply -> SharedSnapshot.fromReply(reply, BreakerState.Cause.OPERATOR));
	}

	@Override
	public Flux<SharedSnapshot.NamedSnapshot> changes(Runnable onSubscribed) {
		return this.channels.messages(this.channel, onSubscribed).mapNotNull(SharedSnapshot::fromMessage);
	}

	private static List<String> keys(String name) {
		return List.of(stateKey(name), windowKey(name));
	}

	private static List<String> args(Object... values) {
		String[] out = new String[values.length];
		for (int i = 0; i < values.length; i++) {
			out[i] = String.valueOf(values[i]);
		}
		return List.of(out);
	}

	/** Thresholds go to Lua without a trailing ".0" when whole. */
	private static String number(float f) {
		return f == Math.rint(f) ? Long.toString((long) f) : Float.toString(f);
	}

}
