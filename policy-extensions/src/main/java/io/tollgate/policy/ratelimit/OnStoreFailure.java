package io.tollgate.policy.ratelimit;

import java.util.Locale;

/** What a limited route does while the shared store (Redis) is unreachable. */
public enum OnStoreFailure {

	/**
	 * Enforce {@code limit / N} in memory, N being the last known number of live
	 * replicas.
	 */
	LOCAL,

	/** Admit every request. */
	ALLOW,

	/** Refuse every request with 503. */
	DENY;

	public static OnStoreFailure parse(String text) {
		if (text == null || text.isBlank()) {
			return LOCAL;
		}
		try {
			return valueOf(text.trim().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Unknown on-store-failure '" + text + "': use local, allow or deny");
		}
	}

}
