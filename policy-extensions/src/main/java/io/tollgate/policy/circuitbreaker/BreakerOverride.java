package io.tollgate.policy.circuitbreaker;

/**
 * Operator overrides, applied cluster-wide; the names are what {@code breaker-force.lua}
 * reads.
 */
public enum BreakerOverride {

	FORCED_OPEN, FORCED_CLOSED,

	/** Back to automatic: CLOSED with an empty window. */
	RESET;

	/** The state the breaker is in after the override. */
	BreakerState target() {
		return switch (this) {
			case FORCED_OPEN -> BreakerState.FORCED_OPEN;
			case FORCED_CLOSED -> BreakerState.FORCED_CLOSED;
			case RESET -> BreakerState.CLOSED;
		};
	}

}
