package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.reactivestreams.Publisher;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

/**
 * The one way Tollgate calls Redis: every call is bounded by
 * {@code tollgate.redis.timeout}, feeds the one {@link StoreBreaker}, is timed per
 * feature, and refuses at once (without touching the connection) while the breaker is not
 * closed. Features get their own {@link RedisCalls} from {@link #calls(String)}.
 */
public final class RedisExecutor {

	private final ReactiveStringRedisTemplate redis;

	private final StoreBreaker breaker;

	private final Duration timeout;

	@Nullable
	private final MeterRegistry registry;

	public RedisExecutor(ReactiveStringRedisTemplate redis, StoreBreaker breaker, Duration timeout,
			@Nullable MeterRegistry registry) {
		this.redis = redis;
		this.breaker = breaker;
		this.timeout = timeout;
		this.registry = registry;
	}

	/**
	 * The background calls of one feature ({@code circuitbreaker}, {@code replica}, ...):
	 * its name tags its meters; each call is bounded by {@code tollgate.redis.timeout}.
	 */
	public RedisCalls calls(String feature) {
		return new RedisCalls(this, feature, this.registry, false);
	}

	/**
	 * The calls a feature makes on a request's path (one rate-limit decision): they wait
	 * for Redis while it is believed up, bounded by the client's command timeout.
	 */
	public RedisCalls requestCalls(String feature) {
		return new RedisCalls(this, feature, this.registry, true);
	}

	public StoreBreaker breaker() {
		return this.breaker;
	}

	public Duration timeout() {
		return this.timeout;
	}

	ReactiveStringRedisTemplate template() {
		return this.redis;
	}

	/**
	 * A PING that ignores the breaker (the probe is what closes it), bounded by
	 * {@code limit}.
	 */
	Mono<String> ping(Duration limit) {
		return Mono.defer(() -> this.redis.execute(connection -> connection.ping()).next())
			.timeout(limit, timedOut("PING", limit));
	}

	/** Loads scripts into Redis' script cache (on the node a keyless command reaches). */
	Mono<Void> load(List<LuaScript> scripts) {
		return reactor.core.publisher.Flux.fromIterable(scripts)
			.concatMap(
					s -> this.redis
						.execute(connection -> connection.scriptingCommands()
							.scriptLoad(java.nio.ByteBuffer.wrap(
									s.script().getScriptAsString().getBytes(java.nio.charset.StandardCharsets.UTF_8))))
						.next())
			.then()
			.timeout(this.timeout.multipliedBy(Math.max(1, scripts.size())), timedOut("SCRIPT LOAD", this.timeout));
	}

	static <T> Mono<T> timedOut(String what, Duration timeout) {
		return Mono.error(() -> new TimeoutException(what + " not answered within " + timeout.toMillis() + "ms"));
	}

	/**
	 * Runs one call of a feature: refused while the breaker is not closed, observed, and
	 * fed to the breaker.
	 * <ul>
	 * <li>A call on a request's path waits for its reply as long as Redis is believed up
	 * (bounded by the client's command timeout, {@code spring.data.redis.timeout}): a
	 * pause of this process (GC, a busy CPU) must not turn into a decision made without
	 * Redis.</li>
	 * <li>A background call is bounded by {@code tollgate.redis.timeout}; running late
	 * says nothing the probe does not say better, so only its errors count against
	 * Redis.</li>
	 * </ul>
	 */
	<T> Mono<T> run(Function<ReactiveStringRedisTemplate, Publisher<T>> operation, RedisCalls.Meters meters,
			boolean requestPath) {
		if (!this.breaker.isClosed()) {
			return Mono.error(new StoreUnavailableException(this.breaker));
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			Mono<T> call = Mono.from(operation.apply(this.redis));
			if (!requestPath) {
				call = call.timeout(this.timeout, timedOut("Redis call", this.timeout));
			}
			return call.doOnSuccess(value -> {
				meters.success(System.nanoTime() - start);
				this.breaker.onSuccess();
			}).doOnError(error -> {
				meters.failure(error, System.nanoTime() - start);
				if (requestPath || !(error instanceof TimeoutException)) {
					this.breaker.onFailure(error);
				}
			});
		});
	}

	/**
	 * Raised, without calling Redis, while the store breaker is open or still connecting.
	 */
	public static final class StoreUnavailableException extends RuntimeException {

		StoreUnavailableException(StoreBreaker breaker) {
			super("Redis is " + breaker.state(), null, false, false);
		}

	}

}
