package io.tollgate.policy.circuitbreaker;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the shared half of every breaker lives: a window of outcomes and a state per
 * breaker name, changed only through {@link BreakerState#canBecome legal transitions}.
 * Implemented on Redis (every replica shares it) and in memory (one process, an injected
 * clock).
 */
public interface BreakerStore {

	/** Whether the shared state can be used now (false while Redis is down). */
	boolean available();

	/**
	 * Adds a batch of outcomes to the window; opens the breaker when a rate crosses its
	 * threshold.
	 */
	Mono<SharedSnapshot> record(BreakerSettings settings, long calls, long failures, long slow);

	/**
	 * Asks to call while the breaker is not closed; moves an expired OPEN breaker to
	 * HALF_OPEN.
	 */
	Mono<TrialPermit> acquireTrial(BreakerSettings settings);

	/**
	 * Reports (or gives back) one half-open trial permit of the half-open period
	 * {@code version}.
	 */
	Mono<SharedSnapshot> reportTrial(BreakerSettings settings, long version, TrialOutcome outcome);

	/** The current shared state of one breaker. */
	Mono<SharedSnapshot> read(String name);

	/** An operator override, announced to every replica. */
	Mono<SharedSnapshot> force(String name, BreakerOverride override);

	/**
	 * Every state change of every breaker, as announced; {@code onSubscribed} runs each
	 * time the subscription is (re)established, so the subscriber can re-read what it may
	 * have missed.
	 */
	Flux<SharedSnapshot.NamedSnapshot> changes(Runnable onSubscribed);

}
