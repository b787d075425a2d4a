package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.OutageLog;

/**
 * Shared breaker state in Redis: one state hash and one window hash per breaker, both
 * under the breaker's hash tag so every script touches one cluster slot. Every call is
 * bounded by the Redis timeout and reports outages once through {@link OutageLog}.
 */
public class BreakerStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RECORD = script("breaker-record");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> ACQUIRE = script("breaker-acquire");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> TRIAL = script("breaker-trial");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = script("breaker-state");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> FORCE = script("breaker-force");

	private final ReactiveStringRedisTemplate redis;

	private final String channel;

	private final Duration timeout;

	private final OutageLog outage = new OutageLog("Redis (shared circuit breakers)");

	public BreakerStore(ReactiveStringRedisTemplate redis, String channel, Duration timeout) {
		this.redis = redis;
		this.channel = channel;
		this.timeout = timeout;
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name) {
		return RedisScript.of(new ClassPathResource("META-INF/tollgate/lua/" + name + ".lua"), List.class);
	}

	static String stateKey(String name) {
		return "tollgate:cb:{" + name + "}:state";
	}

	static String windowKey(String name) {
		return "tollgate:cb:{" + name + "}:win";
	}

	public String channel() {
		return channel;
	}

	/**
	 * True while Redis is known to be unreachable: replicas then rely on their local
	 * breakers alone.
	 */
	public boolean isDown() {
		return outage.isDown();
	}

	OutageLog outage() {
		return outage;
	}

	/**
	 * Adds a batch of outcomes to the shared window; opens the breaker when the rates
	 * cross the thresholds.
	 */
	Mono<SharedSnapshot> record(BreakerSettings s, long calls, long failures, long slow) {
		return run(RECORD, List.of(stateKey(s.name()), windowKey(s.name())), s.name(), channel, calls, failures, slow,
				s.slidingWindowSeconds(), s.minimumCalls(), s.failureRateThreshold(), s.slowCallRateThreshold(),
				s.waitInOpen().toMillis())
			.map(reply -> SharedSnapshot.fromReply(reply).withCause("rate"));
	}

	/**
	 * Asks for a half-open trial permit (moving an expired OPEN breaker to HALF_OPEN).
	 */
	Mono<Verdict> acquire(BreakerSettings s) {
		return run(ACQUIRE, List.of(stateKey(s.name())), s.name(), channel, s.halfOpenCalls(),
				s.trialTimeout().toMillis())
			.map(reply -> new Verdict(SharedSnapshot.fromReply(reply).withCause("wait"),
					(int) SharedSnapshot.toLong(reply.get(3))));
	}

	/** Reports one half-open trial outcome. */
	Mono<SharedSnapshot> trial(BreakerSettings s, long version, boolean good) {
		return run(TRIAL, List.of(stateKey(s.name()), windowKey(s.name())), s.name(), channel, version, good ? 1 : 0,
				s.halfOpenCalls(), s.failureRateThreshold(), s.waitInOpen().toMillis())
			.map(reply -> SharedSnapshot.fromReply(reply).withCause("trial"));
	}

	/** Reads the current shared state. */
	Mono<SharedSnapshot> read(String name) {
		return run(READ, List.of(stateKey(name))).map(SharedSnapshot::fromReply);
	}

	/**
	 * Operator override, announced to every replica: FORCED_OPEN, FORCED_CLOSED or RESET.
	 */
	Mono<SharedSnapshot> force(String name, String action) {
		return run(FORCE, List.of(stateKey(name), windowKey(name)), name, channel, action)
			.map(reply -> SharedSnapshot.fromReply(reply).withCause("operator"));
	}

	@SuppressWarnings("rawtypes")
	private Mono<List<?>> run(RedisScript<List> script, List<String> keys, Object... args) {
		List<String> argv = new java.util.ArrayList<>(args.length);
		for (Object a : args) {
			argv.add(a instanceof Float f ? stripZero(f) : String.valueOf(a));
		}
		return redis.execute(script, keys, argv)
			.collectList()
			.<List<?>>map(BreakerStore::unwrap)
			.timeout(timeout)
			.doOnSuccess(r -> outage.succeeded())
			.doOnError(ex -> outage.failed(ex, "replicas use their local circuit breakers until it is back"));
	}

	/**
	 * A multi-bulk reply may arrive as its elements or as one list, depending on the
	 * driver path.
	 */
	private static List<?> unwrap(List<?> reply) {
		if (reply.size() == 1 && reply.get(0) instanceof List<?> inner) {
			return inner;
		}
		return reply;
	}

	private static String stripZero(float f) {
		return f == Math.rint(f) ? Long.toString((long) f) : Float.toString(f);
	}

	/**
	 * Result of a permit request: 1 trial permit granted, 0 denied, 2 breaker closed
	 * (call normally).
	 */
	record Verdict(SharedSnapshot snapshot, int verdict) {
	}

}
