package io.tollgate.policy.circuitbreaker;

import org.springframework.lang.Nullable;

import io.tollgate.policy.redis.ScriptReply;

/**
 * The shared state of one breaker as a store reported it.
 *
 * @param state the cluster-wide state
 * @param remainingOpenMillis time left in OPEN on the store's clock (0 or less when the
 * wait is over)
 * @param version transition stamp; larger is newer
 * @param cause why the last transition happened, null when unknown
 */
public record SharedSnapshot(BreakerState state, long remainingOpenMillis, long version,
		@Nullable BreakerState.Cause cause) {

	static final SharedSnapshot INITIAL = new SharedSnapshot(BreakerState.CLOSED, 0, 0, null);

	/** Parses a script reply {@code [state, remainingMs, version, ...]}. */
	static SharedSnapshot fromReply(ScriptReply reply, @Nullable BreakerState.Cause cause) {
		return new SharedSnapshot(BreakerState.parse(reply.stringAt(0)), reply.longAt(1), reply.longAt(2), cause);
	}

	SharedSnapshot withoutCause() {
		return new SharedSnapshot(this.state, this.remainingOpenMillis, this.version, null);
	}

	/** The channel message {@code name|state|remainingMs|version|cause}. */
	String toMessage(String name) {
		return name + "|" + this.state.name() + "|" + this.remainingOpenMillis + "|" + this.version + "|"
				+ (this.cause == null ? "" : this.cause.tag());
	}

	/**
	 * Parses a channel message {@code name|state|remainingMs|version|cause}; null when
	 * malformed.
	 */
	@Nullable
	static NamedSnapshot fromMessage(String message) {
		String[] parts = message.split("\\|", -1);
		if (parts.length != 5) {
			return null;
		}
		try {
			return new NamedSnapshot(parts[0], new SharedSnapshot(BreakerState.parse(parts[1]),
					Long.parseLong(parts[2]), Long.parseLong(parts[3]), BreakerState.Cause.parse(parts[4])));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** A snapshot announced for one breaker. */
	public record NamedSnapshot(String name, SharedSnapshot snapshot) {
	}

}
