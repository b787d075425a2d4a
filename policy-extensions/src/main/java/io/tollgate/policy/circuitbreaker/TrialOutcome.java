package io.tollgate.policy.circuitbreaker;

/**
 * What a half-open trial call tells the shared breaker; the names are what
 * {@code breaker-trial.lua} reads.
 */
public enum TrialOutcome {

	/** The upstream answered well and in time. */
	GOOD,

	/** The upstream failed, timed out or was slow. */
	BAD,

	/**
	 * The call never reached the upstream (refused by the gateway, or the client went
	 * away).
	 */
	RELEASE

}
