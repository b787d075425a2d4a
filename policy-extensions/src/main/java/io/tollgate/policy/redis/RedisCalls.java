package io.tollgate.policy.redis;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.reactivestreams.Publisher;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.lang.Nullable;
import reactor.core.publisher.Mono;

/**
 * One feature's Redis calls, through the shared {@link RedisExecutor}: scripts by
 * {@link LuaScript}, and plain commands on the template. Timed in
 * {@code tollgate.redis.calls} (tags {@code feature}, {@code outcome} = success, failure,
 * timeout).
 */
public final class RedisCalls {

	/** The meter of every Tollgate Redis call. */
	public static final String METER = "tollgate.redis.calls";

	private final RedisExecutor executor;

	private final String feature;

	private final Meters meters;

	private final boolean requestPath;

	RedisCalls(RedisExecutor executor, String feature, @Nullable MeterRegistry registry, boolean requestPath) {
		this.executor = executor;
		this.feature = feature;
		this.meters = new Meters(registry, feature);
		this.requestPath = requestPath;
	}

	public String feature() {
		return this.feature;
	}

	/** True while Redis is used: callers choose their fallback at once otherwise. */
	public boolean available() {
		return this.executor.breaker().isClosed();
	}

	public StoreBreaker breaker() {
		return this.executor.breaker();
	}

	/** Runs a script ({@code EVALSHA}, falling back to {@code EVAL}); emits its reply. */
	public Mono<ScriptReply> script(LuaScript script, List<String> keys, List<String> args) {
		return this.executor.run(redis -> redis.execute(script.script(), keys, args).next().map(ScriptReply::of),
				this.meters, this.requestPath);
	}

	/** Runs one command (or a short chain ending in one {@link Mono}) on the template. */
	public <T> Mono<T> call(Function<ReactiveStringRedisTemplate, Publisher<T>> operation) {
		return this.executor.run(operation, this.meters, this.requestPath);
	}

	/** Pre-registered timers: no meter lookup per call. */
	static final class Meters {

		@Nullable
		private final Timer success;

		@Nullable
		private final Timer failure;

		@Nullable
		private final Timer timeout;

		Meters(@Nullable MeterRegistry registry, String feature) {
			this.success = timer(registry, feature, "success");
			this.failure = timer(registry, feature, "failure");
			this.timeout = timer(registry, feature, "timeout");
		}

		@Nullable
		private static Timer timer(@Nullable MeterRegistry registry, String feature, String outcome) {
			if (registry == null) {
				return null;
			}
			return Timer.builder(METER)
				.description("Tollgate's Redis calls by feature and outcome")
				.tag("feature", feature)
				.tag("outcome", outcome)
				.register(registry);
		}

		void success(long nanos) {
			if (this.success != null) {
				this.success.record(nanos, TimeUnit.NANOSECONDS);
			}
		}

		void failure(Throwable error, long nanos) {
			Timer t = error instanceof TimeoutException ? this.timeout : this.failure;
			if (t != null) {
				t.record(nanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
