package io.tollgate.policy.circuitbreaker;

import java.util.List;

/**
 * The shared state of one breaker as read from Redis or announced on the channel.
 *
 * @param state the cluster-wide state
 * @param remainingOpenMillis time left in OPEN on the Redis clock (0 or less when the
 * wait is over)
 * @param version transition stamp; larger is newer
 * @param cause why the last transition happened ({@code rate}, {@code wait},
 * {@code trial}, {@code operator}), may be empty
 */
record SharedSnapshot(BreakerState state, long remainingOpenMillis, long version, String cause) {

	static final SharedSnapshot INITIAL = new SharedSnapshot(BreakerState.CLOSED, 0, 0, "");

	/**
	 * Parses a script reply {@code [state, remainingMs, version, (cause|verdict)...]}.
	 */
	static SharedSnapshot fromReply(List<?> reply) {
		return new SharedSnapshot(BreakerState.parse(String.valueOf(reply.get(0))), toLong(reply.get(1)),
				toLong(reply.get(2)), "");
	}

	SharedSnapshot withCause(String newCause) {
		return new SharedSnapshot(state, remainingOpenMillis, version, newCause);
	}

	/**
	 * Parses a channel message {@code name|state|remainingMs|version|cause}; null when
	 * malformed.
	 */
	static NamedSnapshot fromMessage(String message) {
		String[] parts = message.split("\\|", -1);
		if (parts.length != 5) {
			return null;
		}
		try {
			return new NamedSnapshot(parts[0], new SharedSnapshot(BreakerState.parse(parts[1]),
					Long.parseLong(parts[2]), Long.parseLong(parts[3]), parts[4]));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	static long toLong(Object value) {
		if (value instanceof Number n) {
			return n.longValue();
		}
		return Long.parseLong(String.valueOf(value));
	}

	record NamedSnapshot(String name, SharedSnapshot snapshot) {
	}
}
