package io.tollgate.policy.circuitbreaker;

/**
 * States of a shared breaker as kept in Redis; the FORCED ones are set by operators only.
 */
public enum BreakerState {

	CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, FORCED_CLOSED;

	static BreakerState parse(String value) {
		try {
			return valueOf(value);
		}
		catch (IllegalArgumentException ex) {
			// an unknown value written by a newer version: do not block traffic on it
			return CLOSED;
		}
	}

}
