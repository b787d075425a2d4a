package io.tollgate.policy.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reaches Redis before the gateway takes traffic and keeps probing it afterwards.
 * <ul>
 * <li>Start: the first contact (which may block while the connection is opened) runs on
 * the probe's own thread, loads every {@link LuaScript} and runs every
 * {@link RedisWarmup}, all before the web server starts; startup waits for it at most a
 * few seconds, so a gateway starts while Redis is down.</li>
 * <li>Then a PING every {@code probe-interval}: the only thing that closes an open
 * {@link StoreBreaker}, so requests never probe a dead Redis.</li>
 * <li>Stop: after the web server has drained and the features' loops have stopped, before
 * the connection factory closes; from then on failures are neither counted nor
 * logged.</li>
 * </ul>
 */
public final class RedisStoreLifecycle implements SmartLifecycle {

	/**
	 * Starts before, stops after everything that uses Redis (features use
	 * {@link #FEATURE_PHASE}).
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	/**
	 * Phase for features' background loops: after the store started, before the web
	 * server.
	 */
	public static final int FEATURE_PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final Logger log = LoggerFactory.getLogger(RedisStoreLifecycle.class);

	private final RedisExecutor executor;

	private final List<LuaScript> scripts;

	private final List<RedisWarmup> warmups;

	private final Duration probeInterval;

	private volatile Scheduler scheduler;

	private volatile Disposable loop;

	public RedisStoreLifecycle(RedisExecutor executor, List<LuaScript> scripts, List<RedisWarmup> warmups,
			Duration probeInterval) {
		this.executor = executor;
		this.scripts = List.copyOf(scripts);
		this.warmups = List.copyOf(warmups);
		this.probeInterval = probeInterval;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void start() {
		Scheduler probeThread = Schedulers.newSingle("tollgate-redis-probe", true);
		this.scheduler = probeThread;
		CountDownLatch reached = new CountDownLatch(1);
		probe(connectLimit()).then(Mono.defer(this::warmUp))
			.subscribeOn(probeThread)
			.doFinally(signal -> reached.countDown())
			.subscribe(null, error -> log.debug("First contact with Redis failed: {}", OutageLog.describe(error)));
		awaitStartup(reached);
		this.loop = Flux.interval(this.probeInterval, this.probeInterval, probeThread)
			.onBackpressureDrop()
			.concatMap(tick -> probe(this.executor.breaker().isClosed() ? this.executor.timeout() : connectLimit())
				.onErrorResume(error -> Mono.empty()), 1)
			.subscribe();
	}

	/**
	 * Waits on the startup thread (never an event loop) so no request reaches a replica
	 * that has not tried Redis yet; bounded, so an unreachable Redis delays the start by
	 * a few seconds at most.
	 */
	private void awaitStartup(CountDownLatch reached) {
		long waitMillis = connectLimit().plusSeconds(1).toMillis();
		try {
			if (!reached.await(waitMillis, TimeUnit.MILLISECONDS)) {
				log.debug("Redis not reached within {} ms of startup; starting with fallbacks", waitMillis);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * How long a probe may take while no connection may be open yet: opening one (bounded
	 * by Spring's {@code spring.data.redis.connect-timeout}) plus a call. A cold JVM's
	 * first connect and handshake can exceed the call timeout; that is no outage.
	 */
	private Duration connectLimit() {
		return this.executor.timeout().multipliedBy(2).plusSeconds(2);
	}

	/**
	 * One PING bounded by {@code tollgate.redis.timeout}, as the health check sends it.
	 */
	public Mono<String> probe() {
		return probe(this.executor.timeout());
	}

	/**
	 * One PING on the probe thread; emits the reply, or an error (also recorded by the
	 * breaker).
	 */
	Mono<String> probe(Duration limit) {
		StoreBreaker breaker = this.executor.breaker();
		Mono<String> ping = this.executor.ping(limit);
		return Mono.defer(() -> {
			boolean wasClosed = breaker.isClosed();
			return ping.flatMap(reply -> (wasClosed ? Mono.<Void>empty() : loadScripts()).thenReturn(reply))
				.doOnNext(reply -> breaker.probeSucceeded())
				.doOnError(breaker::probeFailed);
		}).subscribeOn(this.scheduler != null ? this.scheduler : Schedulers.boundedElastic());
	}

	/**
	 * Redis may have restarted without its script cache: loaded again before the store is
	 * used.
	 */
	private Mono<Void> loadScripts() {
		return this.executor.load(this.scripts)
			.doOnError(error -> log.debug("Could not load Tollgate's scripts: {}", OutageLog.describe(error)))
			.onErrorResume(error -> Mono.empty());
	}

	private Mono<Void> warmUp() {
		if (!this.executor.breaker().isClosed()) {
			return Mono.empty();
		}
		return Flux.fromIterable(this.warmups)
			.concatMap(w -> w.warmUp()
				.doOnError(error -> log.debug("Redis warm-up {} failed: {}", w, OutageLog.describe(error)))
				.onErrorResume(error -> Mono.empty()))
			.then();
	}

	@Override
	public void stop() {
		this.executor.breaker().close();
		Disposable d = this.loop;
		this.loop = null;
		if (d != null) {
			d.dispose();
		}
		Scheduler s = this.scheduler;
		if (s != null) {
			s.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		return this.loop != null;
	}

}
