package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import org.springframework.lang.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * All shared circuit breakers of this replica, and the three loops that keep them in sync
 * with Redis: flushing batched outcomes, listening to state announcements, and polling
 * state as a backstop (which is also how a replica catches up after it starts or Redis
 * comes back).
 */
public class SharedCircuitBreakers implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(SharedCircuitBreakers.class);

	private final Map<String, SharedCircuitBreaker> breakers = new ConcurrentHashMap<>();

	private final BreakerStore store;

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final CircuitBreakerProperties.Sync sync;

	private final Consumer<SharedCircuitBreaker> onCreate;

	private volatile Disposable.Composite loops = Disposables.composite();

	private volatile boolean running;

	public SharedCircuitBreakers(BreakerStore store, ReactiveRedisConnectionFactory connectionFactory,
			CircuitBreakerProperties.Sync sync, Consumer<SharedCircuitBreaker> onCreate) {
		this.store = store;
		this.connectionFactory = connectionFactory;
		this.sync = sync;
		this.onCreate = onCreate;
	}

	/**
	 * The breaker of that name, created on first use; fails when the name is already used
	 * with other settings.
	 */
	public SharedCircuitBreaker obtain(BreakerSettings settings) {
		SharedCircuitBreaker breaker = breakers.computeIfAbsent(settings.name(), n -> {
			SharedCircuitBreaker created = new SharedCircuitBreaker(settings, store);
			onCreate.accept(created);
			return created;
		});
		if (!breaker.settings().equals(settings)) {
			throw new IllegalArgumentException("Circuit breaker '" + settings.name()
					+ "' is used by several routes with different settings: " + breaker.settings() + " vs " + settings
					+ "; define it once under tollgate.circuit-breakers." + settings.name());
		}
		return breaker;
	}

	@Nullable
	public SharedCircuitBreaker get(String name) {
		return breakers.get(name);
	}

	public Collection<SharedCircuitBreaker> all() {
		return Collections.unmodifiableCollection(breakers.values());
	}

	public BreakerStore store() {
		return store;
	}

	/**
	 * Operator override; the replica applies the result at once, the others through the
	 * channel.
	 */
	public Mono<SharedSnapshot> force(String name, String action) {
		SharedCircuitBreaker breaker = breakers.get(name);
		return store.force(name, action).doOnNext(s -> {
			if (breaker != null) {
				breaker.applyPushed(s);
			}
		});
	}

	@Override
	public void start() {
		Disposable.Composite composite = Disposables.composite();
		composite.add(every(sync.getFlushInterval(), SharedCircuitBreaker::flush, "flush"));
		composite.add(every(sync.getPollInterval(), SharedCircuitBreaker::poll, "poll"));
		composite.add(listen().subscribe(this::onMessage, ex -> log.error("Circuit breaker listener stopped", ex)));
		loops = composite;
		running = true;
	}

	/**
	 * State announcements from every replica. The listener container connects in its
	 * constructor, so it is created off the caller's thread and again after each failure:
	 * a gateway starts, and keeps serving, while Redis is down.
	 */
	private Flux<String> listen() {
		return Flux
			.usingWhen(
					Mono.fromCallable(() -> new ReactiveRedisMessageListenerContainer(connectionFactory))
						.subscribeOn(Schedulers.boundedElastic()),
					c -> c.receive(ChannelTopic.of(store.channel())).map(message -> message.getMessage()),
					ReactiveRedisMessageListenerContainer::destroyLater)
			.doOnError(ex -> store.outage().failed(ex, "replicas use their local circuit breakers until it is back"))
			.retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(2)));
	}

	void onMessage(String message) {
		SharedSnapshot.NamedSnapshot named = SharedSnapshot.fromMessage(message);
		if (named == null) {
			log.debug("Ignoring malformed circuit breaker message '{}'", message);
			return;
		}
		SharedCircuitBreaker breaker = breakers.get(named.name());
		if (breaker != null) {
			breaker.applyPushed(named.snapshot());
		}
	}

	private Disposable every(Duration period, java.util.function.Function<SharedCircuitBreaker, Mono<Void>> task,
			String what) {
		return Flux.interval(period)
			.onBackpressureDrop()
			.concatMap(tick -> Flux.fromIterable(breakers.values())
				// Redis failures were already reported once by the store's outage log
				.flatMap(b -> task.apply(b)
					.doOnError(ex -> log.debug("Circuit breaker {} of '{}' failed", what, b.name(), ex))
					.onErrorResume(ex -> Mono.empty())), 1)
			.subscribe(null, ex -> log.error("Circuit breaker {} loop stopped", what, ex));
	}

	@Override
	public void stop() {
		running = false;
		loops.dispose();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}
