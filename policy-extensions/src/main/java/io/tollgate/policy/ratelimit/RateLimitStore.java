package io.tollgate.policy.ratelimit;

import reactor.core.publisher.Mono;

/** Checks and consumes all limits of a policy for one caller, atomically: all or none. */
@FunctionalInterface
public interface RateLimitStore {

	/** Emits the decision, or an error signal when the store could not decide. */
	Mono<RateLimitDecision> consume(RateLimitPolicy policy, String callerKey);

}
