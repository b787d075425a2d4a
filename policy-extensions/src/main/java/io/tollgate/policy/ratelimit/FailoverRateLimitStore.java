package io.tollgate.policy.ratelimit;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.tollgate.policy.redis.OutageLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The store the filters use: the shared store under a timeout and a {@link StoreBreaker};
 * when it fails, is too slow or is being skipped, the policy's {@link OnStoreFailure}
 * decides. Each fallback mode logs once per outage.
 */
public final class FailoverRateLimitStore implements RateLimitStore {

	private static final Logger log = LoggerFactory.getLogger(FailoverRateLimitStore.class);

	private final RateLimitStore shared;

	private final LocalRateLimitStore local;

	private final StoreBreaker breaker;

	private final Duration timeout;

	private final RateLimitMetrics metrics;

	private final Mono<RateLimitDecision> timedOut;

	private final OutageLog outage = new OutageLog("Rate-limit store (Redis)");

	/** Whether the choice of each fallback mode was logged in the current outage. */
	private final Map<OnStoreFailure, AtomicBoolean> choiceLogged = new EnumMap<>(OnStoreFailure.class);

	public FailoverRateLimitStore(RateLimitStore shared, LocalRateLimitStore local, StoreBreaker breaker,
			Duration timeout, RateLimitMetrics metrics) {
		this.shared = shared;
		this.local = local;
		this.breaker = breaker;
		this.timeout = timeout;
		this.metrics = metrics;
		this.timedOut = Mono.error(() -> new TimeoutException("no answer within " + timeout.toMillis() + "ms"));
		for (OnStoreFailure mode : OnStoreFailure.values()) {
			choiceLogged.put(mode, new AtomicBoolean());
		}
	}

	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		if (!breaker.tryAcquire()) {
			logChoice(policy.onStoreFailure());
			return fallback(policy, callerKey);
		}
		long start = System.nanoTime();
		return shared.consume(policy, callerKey).timeout(timeout, timedOut).doOnNext(decision -> {
			metrics.storeLatency().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			succeeded();
		}).doOnError(error -> {
			metrics.storeErrors().increment();
			breaker.onFailure();
			outage.failed(error, "limited routes use their on-store-failure fallback");
			logChoice(policy.onStoreFailure());
		}).onErrorResume(error -> fallback(policy, callerKey));
	}

	/** Called on every answer of the store (requests and heartbeats). */
	public void succeeded() {
		breaker.onSuccess();
		outage.succeeded();
		for (AtomicBoolean logged : choiceLogged.values()) {
			if (logged.get()) {
				logged.set(false);
			}
		}
	}

	private void logChoice(OnStoreFailure mode) {
		AtomicBoolean logged = choiceLogged.get(mode);
		if (!logged.get() && logged.compareAndSet(false, true)) {
			log.warn("Rate-limit store unavailable: {}", consequence(mode));
		}
	}

	private Mono<RateLimitDecision> fallback(RateLimitPolicy policy, String callerKey) {
		return switch (policy.onStoreFailure()) {
			case LOCAL -> Mono.just(local.decide(policy, callerKey));
			case ALLOW -> Mono.just(RateLimitDecision.allowedUncounted());
			case DENY -> Mono.just(RateLimitDecision.unavailable());
		};
	}

	private static String consequence(OnStoreFailure mode) {
		return switch (mode) {
			case LOCAL -> "routes with on-store-failure=local enforce limit/N in memory until it is back";
			case ALLOW -> "routes with on-store-failure=allow admit every request until it is back";
			case DENY -> "routes with on-store-failure=deny answer 503 until it is back";
		};
	}

	public StoreBreaker breaker() {
		return breaker;
	}

}
