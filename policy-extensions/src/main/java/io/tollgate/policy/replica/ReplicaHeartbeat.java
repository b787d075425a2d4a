package io.tollgate.policy.replica;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import io.tollgate.policy.redis.OutageLog;
import io.tollgate.policy.redis.RedisStoreLifecycle;
import io.tollgate.policy.redis.RedisWarmup;

/**
 * Announces this replica every {@code heartbeat-interval} and learns who else is live:
 * the rate limiter's local fallback enforces {@code limit / N} with it, and the
 * management status shows each replica's attributes. The first beat runs in the Redis
 * warm-up, before traffic.
 */
public final class ReplicaHeartbeat implements SmartLifecycle, RedisWarmup {

	private static final Logger log = LoggerFactory.getLogger(ReplicaHeartbeat.class);

	private final ReplicaStore store;

	private final String replicaId;

	private final Duration interval;

	private final Duration expiry;

	private final Map<String, Supplier<String>> attributes = new ConcurrentHashMap<>();

	private volatile ReplicaView view = ReplicaView.NONE;

	private volatile long lastBeatMillis;

	private volatile Disposable running;

	/** Extra beats asked for by {@link #beatSoon()}. */
	private final Sinks.Many<Long> soon = Sinks.many().multicast().directBestEffort();

	public ReplicaHeartbeat(ReplicaStore store, String replicaId, Duration interval, Duration expiry) {
		this.store = store;
		this.replicaId = replicaId;
		this.interval = interval;
		this.expiry = expiry;
	}

	/** Adds an attribute this replica reports with every beat (read at each beat). */
	public void attribute(String name, Supplier<String> value) {
		this.attributes.put(name, value);
	}

	@Override
	public int getPhase() {
		return RedisStoreLifecycle.FEATURE_PHASE;
	}

	@Override
	public Mono<Void> warmUp() {
		return beat();
	}

	@Override
	public void start() {
		// a request for a beat while one runs is kept (only the latest), so what changed
		// meanwhile is beaten right after
		this.running = Flux
			.merge(Flux.interval(this.interval, this.interval, Schedulers.parallel()), this.soon.asFlux())
			.onBackpressureLatest()
			.concatMap(tick -> beat(), 1)
			.subscribe(null, error -> log.error("Replica heartbeat stopped", error));
	}

	/**
	 * Beats as soon as possible instead of waiting for the interval (an attribute has
	 * changed); requests made while a beat runs collapse into one more beat. Ignored
	 * while stopped.
	 */
	public void beatSoon() {
		synchronized (this.soon) {
			this.soon.tryEmitNext(0L);
		}
	}

	/** One heartbeat; a failure is absorbed (the store breaker has counted it). */
	Mono<Void> beat() {
		return Mono.defer(() -> this.store.beat(this.replicaId, currentAttributes(), this.expiry)).doOnNext(v -> {
			this.view = v;
			this.lastBeatMillis = System.currentTimeMillis();
		})
			.doOnError(error -> log.debug("Replica heartbeat failed: {}", OutageLog.describe(error)))
			.onErrorResume(error -> Mono.empty())
			.then();
	}

	private Map<String, String> currentAttributes() {
		Map<String, String> out = new TreeMap<>();
		this.attributes.forEach((name, value) -> {
			String v = value.get();
			if (v != null) {
				out.put(name, v);
			}
		});
		return out;
	}

	@Override
	public void stop(Runnable callback) {
		Disposable d = this.running;
		this.running = null;
		if (d != null) {
			d.dispose();
		}
		this.store.leave(this.replicaId)
			.doOnError(error -> log.debug("Could not remove replica {} from the heartbeat set: {}", this.replicaId,
					OutageLog.describe(error)))
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
		return this.running != null;
	}

	/** Live replicas counted at the last successful heartbeat; 1 before the first. */
	public int liveReplicas() {
		return Math.max(1, this.view.replicas().size());
	}

	/** The live replicas as the last successful heartbeat saw them. */
	public ReplicaView view() {
		return this.view;
	}

	/** Wall-clock time of the last successful heartbeat, 0 if none. */
	public long lastBeatMillis() {
		return this.lastBeatMillis;
	}

	public String replicaId() {
		return this.replicaId;
	}

	@Override
	public String toString() {
		return "ReplicaHeartbeat[" + this.replicaId + "]";
	}

}
