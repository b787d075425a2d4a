package io.tollgate.policy.circuitbreaker;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.lang.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.OutageLog;
import io.tollgate.policy.redis.RedisStoreLifecycle;
import io.tollgate.policy.route.RouteScopedState;

/**
 * All shared circuit breakers of this replica, by name, with the routes that use each;
 * and the three loops that keep them in sync with the store: flushing batched outcomes,
 * listening to announced changes, and polling as a backstop (which is also how a replica
 * catches up after it starts or the store comes back). Follows route refreshes: a route
 * that changes its breaker's settings gets a breaker with the new ones, and a breaker no
 * route uses any more is dropped.
 */
public class SharedCircuitBreakers implements SmartLifecycle, RouteScopedState {

	private static final Logger log = LoggerFactory.getLogger(SharedCircuitBreakers.class);

	private final Map<String, Entry> breakers = new ConcurrentHashMap<>();

	private final BreakerStore store;

	private final CircuitBreakerProperties.Sync sync;

	private final BreakerMetrics metrics;

	private final Clock clock;

	private volatile Disposable.Composite loops = Disposables.composite();

	private volatile boolean running;

	public SharedCircuitBreakers(BreakerStore store, CircuitBreakerProperties.Sync sync, BreakerMetrics metrics,
			Clock clock) {
		this.store = store;
		this.sync = sync;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * The breaker of that name for a route, created on first use. A route that is the
	 * only user of a breaker may change its settings (the breaker is replaced); a breaker
	 * shared by other routes must keep them, because they share one window.
	 */
	public synchronized SharedCircuitBreaker obtain(String routeId, BreakerSettings settings) {
		Entry entry = this.breakers.get(settings.name());
		if (entry != null && entry.breaker.settings().equals(settings)) {
			entry.routes.add(routeId);
			return entry.breaker;
		}
		if (entry != null) {
			Set<String> others = new HashSet<>(entry.routes);
			others.remove(routeId);
			if (!others.isEmpty()) {
				throw new IllegalArgumentException(
						"Circuit breaker '" + settings.name() + "' is used by several routes with different settings: "
								+ entry.breaker.settings() + " (routes " + others + ") vs " + settings
								+ "; define it once under tollgate.circuit-breakers." + settings.name());
			}
			this.metrics.unregister(entry.breaker);
		}
		SharedCircuitBreaker created = new SharedCircuitBreaker(settings, this.store, this.clock);
		this.metrics.register(created);
		Entry fresh = new Entry(created);
		fresh.routes.add(routeId);
		this.breakers.put(settings.name(), fresh);
		return created;
	}

	/** Forgets the routes that are gone, and every breaker no remaining route uses. */
	@Override
	public synchronized void retain(Set<String> liveRouteIds) {
		for (var it = this.breakers.entrySet().iterator(); it.hasNext();) {
			Entry entry = it.next().getValue();
			entry.routes.retainAll(liveRouteIds);
			if (entry.routes.isEmpty()) {
				this.metrics.unregister(entry.breaker);
				it.remove();
			}
		}
	}

	@Nullable
	public SharedCircuitBreaker get(String name) {
		Entry entry = this.breakers.get(name);
		return entry == null ? null : entry.breaker;
	}

	public Collection<SharedCircuitBreaker> all() {
		return this.breakers.values().stream().map(e -> e.breaker).toList();
	}

	public BreakerStore store() {
		return this.store;
	}

	/**
	 * Operator override; this replica applies the result at once, the others through the
	 * announcement.
	 */
	public Mono<SharedSnapshot> force(String name, BreakerOverride override) {
		return this.store.force(name, override).doOnNext(s -> {
			SharedCircuitBreaker breaker = get(name);
			if (breaker != null) {
				breaker.applyPushed(s);
			}
		});
	}

	@Override
	public int getPhase() {
		return RedisStoreLifecycle.FEATURE_PHASE;
	}

	@Override
	public void start() {
		Disposable.Composite composite = Disposables.composite();
		composite.add(every(this.sync.getFlushInterval(), SharedCircuitBreaker::flush, "flush"));
		composite.add(every(this.sync.getPollInterval(), SharedCircuitBreaker::poll, "poll"));
		composite.add(this.store.changes(this::pollAll)
			.subscribe(this::onChange, ex -> log.error("Circuit breaker listener stopped", ex)));
		this.loops = composite;
		this.running = true;
	}

	void onChange(SharedSnapshot.NamedSnapshot change) {
		SharedCircuitBreaker breaker = get(change.name());
		if (breaker != null) {
			breaker.applyPushed(change.snapshot());
		}
	}

	/**
	 * After (re)subscribing, announcements may have been missed: read every breaker once.
	 */
	private void pollAll() {
		Flux.fromIterable(all())
			.flatMap(b -> b.poll().onErrorResume(ex -> Mono.empty()))
			.subscribe(null, ex -> log.debug("Circuit breaker resync failed: {}", OutageLog.describe(ex)));
	}

	private Disposable every(Duration period, Function<SharedCircuitBreaker, Mono<Void>> task, String what) {
		return Flux.interval(period)
			.onBackpressureDrop()
			.concatMap(tick -> Flux.fromIterable(all())
				// store failures were already counted and logged once by the Redis layer
				.flatMap(b -> task.apply(b)
					.doOnError(ex -> log.debug("Circuit breaker {} of '{}' failed: {}", what, b.name(),
							OutageLog.describe(ex)))
					.onErrorResume(ex -> Mono.empty())), 1)
			.subscribe(null, ex -> log.error("Circuit breaker {} loop stopped", what, ex));
	}

	@Override
	public void stop() {
		this.running = false;
		this.loops.dispose();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Route ids that use each breaker (for tests and the endpoint). */
	List<String> routesOf(String name) {
		Entry entry = this.breakers.get(name);
		return entry == null ? List.of() : List.copyOf(entry.routes);
	}

	private static final class Entry {

		final SharedCircuitBreaker breaker;

		final Set<String> routes = ConcurrentHashMap.newKeySet();

		Entry(SharedCircuitBreaker breaker) {
			this.breaker = breaker;
		}

	}

}
