package io.tollgate.policy.circuitbreaker;

/**
 * The store's answer when a replica asks to call an upstream whose shared breaker is not
 * closed.
 *
 * @param snapshot the shared state after the request
 * @param verdict what the caller may do
 */
public record TrialPermit(SharedSnapshot snapshot, Verdict verdict) {

	/** What a caller may do; the names are what {@code breaker-acquire.lua} answers. */
	public enum Verdict {

		/**
		 * One of the half-open trial permits: its outcome must be reported (or the permit
		 * released).
		 */
		TRIAL,

		/** No permit: the breaker is open, or every trial permit is out. */
		DENIED,

		/** The breaker is closed (or forced closed): call as usual. */
		PASS

	}

}
