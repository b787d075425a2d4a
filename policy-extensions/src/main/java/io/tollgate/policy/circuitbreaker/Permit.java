package io.tollgate.policy.circuitbreaker;

/**
 * The answer to "may this call go to the upstream?", and what must be given back when it
 * ends.
 *
 * @param granted whether the call may proceed
 * @param localHeld the local breaker's permission was taken (its outcome must be recorded
 * or released)
 * @param trialVersion the half-open period a cluster trial permit belongs to, or -1
 * @param shared the outcome counts toward the shared window
 * @param rejectedBy "cluster", "local" or "forced" when not granted
 * @param retryAfterMillis when a rejected call may be retried
 */
record Permit(boolean granted, boolean localHeld, long trialVersion, boolean shared, String rejectedBy,
		long retryAfterMillis) {

	static final Permit UNTRACKED = new Permit(true, false, -1, false, "", 0);

	static final Permit PASS = new Permit(true, true, -1, true, "", 0);

	static Permit trial(long version) {
		return new Permit(true, true, version, false, "", 0);
	}

	static Permit rejected(String by, long retryAfterMillis) {
		return new Permit(false, false, -1, false, by, Math.max(retryAfterMillis, 0));
	}

	boolean isTrial() {
		return this.trialVersion >= 0;
	}

}
