package io.tollgate.policy.circuitbreaker;

import java.util.Locale;

import org.springframework.lang.Nullable;

/**
 * States of a shared breaker, and the one place that says which changes are legal and why
 * they happen. The Lua scripts store and publish these names
 * ({@code BreakerLuaContractTest} checks that every state and cause they use is one of
 * these); the in-memory store follows the same rules.
 */
public enum BreakerState {

	CLOSED, OPEN, HALF_OPEN, FORCED_OPEN, FORCED_CLOSED;

	/** Why a shared breaker changes state. */
	public enum Cause {

		/** The window's failure or slow-call rate crossed its threshold. */
		RATE,

		/** The open period is over: trial calls may go through. */
		WAIT,

		/** Half-open trial outcomes decided: closed again, or open again. */
		TRIAL,

		/** An operator forced the breaker open or closed, or reset it. */
		OPERATOR;

		/** The lower-case name used in Redis and on the channel. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}

		@Nullable
		static Cause parse(@Nullable String tag) {
			if (tag == null || tag.isEmpty()) {
				return null;
			}
			for (Cause c : values()) {
				if (c.tag().equals(tag)) {
					return c;
				}
			}
			return null;
		}

	}

	/** Whether a breaker in this state may move to {@code next} for that cause. */
	public boolean canBecome(BreakerState next, Cause cause) {
		return switch (cause) {
			case RATE -> this == CLOSED && next == OPEN;
			case WAIT -> this == OPEN && next == HALF_OPEN;
			case TRIAL -> this == HALF_OPEN && (next == OPEN || next == CLOSED);
			case OPERATOR -> next == FORCED_OPEN || next == FORCED_CLOSED || next == CLOSED;
		};
	}

	/**
	 * Whether calls go to the upstream without asking the shared state (CLOSED and
	 * FORCED_CLOSED).
	 */
	public boolean passes() {
		return this == CLOSED || this == FORCED_CLOSED;
	}

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
