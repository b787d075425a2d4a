package io.tollgate.policy.circuitbreaker;

/** What became of one call that went to the upstream. */
enum Outcome {

	SUCCESS, FAILURE, TIMEOUT;

	boolean isFailure() {
		return this != SUCCESS;
	}

}
