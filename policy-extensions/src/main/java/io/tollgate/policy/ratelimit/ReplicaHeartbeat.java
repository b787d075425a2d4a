package io.tollgate.policy.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Announces this replica in Redis every {@code interval} and learns how many replicas are
 * live, which the local fallback needs to enforce {@code limit / N}. Each successful beat
 * also tells the store breaker that Redis answers again, so shared limiting resumes
 * without waiting for request traffic.
 */
public final class ReplicaHeartbeat implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ReplicaHeartbeat.class);

	/** The sorted set of replica id to last-seen time. */
	public static final String KEY = RateLimitPolicy.KEY_PREFIX + "replicas";

	private final ReactiveStringRedisTemplate redis;

	private final RedisScript<Long> script;

	private final FailoverRateLimitStore store;

	private final String replicaId;

	private final Duration interval;

	private final Duration timeout;

	private final List<String> args;

	private final LiveReplicas liveReplicas;

	private final AtomicLong lastSeenMillis = new AtomicLong();

	private volatile Disposable running;

	private volatile Scheduler scheduler;

	public ReplicaHeartbeat(ReactiveStringRedisTemplate redis, FailoverRateLimitStore store, LiveReplicas liveReplicas,
			String replicaId, Duration interval, Duration expiry, Duration timeout) {
		this.redis = redis;
		this.liveReplicas = liveReplicas;
		this.store = store;
		this.replicaId = replicaId;
		this.interval = interval;
		this.timeout = timeout;
		this.script = RedisScript.of(RedisRateLimitStore.loadScript("META-INF/tollgate/lua/ratelimit-heartbeat.lua"),
				Long.class);
		this.args = List.of(replicaId, Long.toString(expiry.toMillis()));
	}

	/**
	 * Before the web server starts taking requests, after it has drained them on
	 * shutdown.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	@Override
	public void start() {
		// own thread: the first connect may block, and must not hold an event loop or a
		// parallel (timer) worker
		scheduler = Schedulers.newSingle("tollgate-ratelimit-heartbeat", true);
		running = Flux.interval(Duration.ZERO, interval, scheduler)
			.onBackpressureDrop()
			.concatMap(tick -> beat(), 1)
			.subscribe(null, error -> log.error("Rate-limit heartbeat stopped", error));
	}

	/**
	 * One heartbeat; failures are absorbed (the breaker and the request path report
	 * outages).
	 */
	Mono<Long> beat() {
		return redis.execute(script, List.of(KEY), args)
			.next()
			.timeout(timeout, Mono.error(() -> new TimeoutException("heartbeat not answered within " + timeout)))
			.doOnNext(count -> {
				liveReplicas.set(count);
				lastSeenMillis.set(System.currentTimeMillis());
				store.succeeded();
			})
			.doOnError(error -> log.debug("Rate-limit heartbeat failed: {}", error.toString()))
			.onErrorResume(error -> Mono.empty());
	}

	@Override
	public void stop(Runnable callback) {
		Disposable d = running;
		running = null;
		if (d != null) {
			d.dispose();
		}
		Scheduler s = scheduler;
		if (s != null) {
			s.dispose();
		}
		redis.opsForZSet()
			.remove(KEY, replicaId)
			.timeout(Duration.ofSeconds(1))
			.doOnError(error -> log.debug("Could not remove replica {} from the heartbeat set: {}", replicaId,
					error.toString()))
			.onErrorResume(error -> Mono.empty())
			.doFinally(signal -> callback.run())
			.subscribe();
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public boolean isRunning() {
		return running != null;
	}

	/** Live replicas counted at the last successful heartbeat (1 before the first). */
	public int liveReplicas() {
		return liveReplicas.getAsInt();
	}

	/** Wall-clock time of the last successful heartbeat, 0 if none. */
	public long lastSeenMillis() {
		return lastSeenMillis.get();
	}

	public String replicaId() {
		return replicaId;
	}

}
