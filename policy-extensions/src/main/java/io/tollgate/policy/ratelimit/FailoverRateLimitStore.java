package io.tollgate.policy.ratelimit;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.tollgate.policy.redis.StoreBreaker;

/**
 * The store the filters use: the shared store while the {@link StoreBreaker} is closed;
 * the policy's {@link OnStoreFailure} decides while it is open, and for a call that
 * failed or exceeded {@code tollgate.redis.timeout}. Each fallback mode logs once per
 * outage.
 */
public final class FailoverRateLimitStore implements RateLimitStore {

	private static final Logger log = LoggerFactory.getLogger(FailoverRateLimitStore.class);

	private final RateLimitStore shared;

	private final LocalRateLimitStore local;

	private final StoreBreaker breaker;

	/** Whether the choice of each fallback mode was logged in the current outage. */
	private final Map<OnStoreFailure, AtomicBoolean> choiceLogged = new EnumMap<>(OnStoreFailure.class);

	public FailoverRateLimitStore(RateLimitStore shared, LocalRateLimitStore local, StoreBreaker breaker) {
		this.shared = shared;
		this.local = local;
		this.breaker = breaker;
		for (OnStoreFailure mode : OnStoreFailure.values()) {
			this.choiceLogged.put(mode, new AtomicBoolean());
		}
		breaker.onTransition(state -> {
			if (state == StoreBreaker.State.CLOSED) {
				this.choiceLogged.values().forEach(logged -> logged.set(false));
			}
		});
	}

	@Override
	public Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey) {
		if (!this.breaker.isClosed()) {
			return fallback(policy, callerKey);
		}
		return this.shared.consume(policy, callerKey).onErrorResume(error -> fallback(policy, callerKey));
	}

	private Mono<RateLimitDecision> fallback(RateLimitPolicy policy, String callerKey) {
		OnStoreFailure mode = policy.onStoreFailure();
		AtomicBoolean logged = this.choiceLogged.get(mode);
		if (!logged.get() && logged.compareAndSet(false, true)) {
			log.warn("Rate-limit store unavailable: {}", consequence(mode));
		}
		return switch (mode) {
			case LOCAL -> Mono.just(this.local.decide(policy, callerKey));
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

}
