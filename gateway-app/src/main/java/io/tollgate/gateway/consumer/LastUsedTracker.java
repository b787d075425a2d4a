package io.tollgate.gateway.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.tollgate.policy.redis.OutageLog;
import io.tollgate.policy.redis.RedisStoreLifecycle;

/**
 * Records API key uses off the request path: a request only notes the time in memory;
 * every {@link #TICK} the noted times are written to the {@link LastUsedStore} in one
 * call. A key's first use is written within about a tick, later ones at most once per
 * {@code tollgate.api-keys.last-used-interval} per replica. What could not be written is
 * kept and written with the next batch; pending times are written on shutdown.
 */
public final class LastUsedTracker implements SmartLifecycle {

	static final Duration TICK = Duration.ofSeconds(1);

	private static final Duration SHUTDOWN_FLUSH = Duration.ofSeconds(2);

	private final LastUsedStore store;

	private final Clock clock;

	private final long intervalMillis;

	/** Uses not yet written: key id to epoch ms. */
	private final Map<String, Long> pending = new ConcurrentHashMap<>();

	/** When each key's last use was last written, to skip writes within the interval. */
	private final Map<String, Long> written = new ConcurrentHashMap<>();

	private final OutageLog outage = new OutageLog("API key last-used store");

	private long lastPrune;

	@Nullable
	private volatile Disposable ticker;

	public LastUsedTracker(LastUsedStore store, Clock clock, Duration interval) {
		this.store = store;
		this.clock = clock;
		this.intervalMillis = interval.toMillis();
	}

	/** Notes a use of {@code keyId} now; costs a map lookup on the request path. */
	public void touch(String keyId) {
		long now = this.clock.millis();
		Long last = this.written.get(keyId);
		if (last != null && now - last < this.intervalMillis) {
			return;
		}
		this.pending.merge(keyId, now, Math::max);
	}

	/** The uses noted here and not yet written (merged into listings). */
	Map<String, Instant> unwritten(Collection<String> keyIds) {
		Map<String, Instant> out = new HashMap<>();
		for (String id : keyIds) {
			Long at = this.pending.get(id);
			if (at != null) {
				out.put(id, Instant.ofEpochMilli(at));
			}
		}
		return out;
	}

	/** Writes what is pending; emits when written (or kept for the next try). */
	Mono<Void> flush() {
		if (this.pending.isEmpty()) {
			prune();
			return Mono.empty();
		}
		Map<String, Long> batch = new HashMap<>(this.pending);
		batch.forEach(this.pending::remove);
		Map<String, Instant> times = new HashMap<>();
		batch.forEach((id, at) -> times.put(id, Instant.ofEpochMilli(at)));
		return Mono.defer(() -> this.store.record(times)).doOnSuccess(v -> {
			this.outage.succeeded();
			this.written.putAll(batch);
			prune();
		}).doOnError(ex -> {
			this.outage.failed(ex, "API key last-used times are kept and written later");
			batch.forEach((id, at) -> this.pending.merge(id, at, Math::max));
		}).onErrorResume(ex -> Mono.empty());
	}

	/** Forgets revoked keys here and in the store. */
	Mono<Void> forget(Collection<String> keyIds) {
		keyIds.forEach(id -> {
			this.pending.remove(id);
			this.written.remove(id);
		});
		return Mono.defer(() -> this.store.forget(keyIds));
	}

	private void prune() {
		long now = this.clock.millis();
		if (now - this.lastPrune < this.intervalMillis) {
			return;
		}
		this.lastPrune = now;
		this.written.values().removeIf(at -> now - at >= this.intervalMillis);
	}

	@Override
	public void start() {
		this.ticker = Flux.interval(TICK, TICK, Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap(t -> flush(), 1)
			.subscribe();
	}

	@Override
	public void stop(Runnable callback) {
		Disposable t = this.ticker;
		this.ticker = null;
		if (t != null) {
			t.dispose();
		}
		flush().timeout(SHUTDOWN_FLUSH, Mono.empty()).doFinally(s -> callback.run()).subscribe();
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	/** Stops after the web server has drained, so the last requests' uses are written. */
	@Override
	public int getPhase() {
		return RedisStoreLifecycle.FEATURE_PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.ticker != null;
	}

}
