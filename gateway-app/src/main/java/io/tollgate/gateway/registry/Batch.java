package io.tollgate.gateway.registry;

import java.util.List;

/**
 * Writes committed together, atomically, as one revision.
 *
 * @param actor who asks (the admin token's {@code sub}), for the audit
 * @param action what the audit calls it ({@code create}, {@code replace}, {@code delete},
 * {@code apply}, {@code issue-key}, ...)
 * @param writes the writes, in order
 */
public record Batch(String actor, String action, List<Write> writes) {

	public Batch {
		writes = List.copyOf(writes);
		if (writes.isEmpty()) {
			throw new IllegalArgumentException("A batch needs at least one write");
		}
	}

	public static Batch of(String actor, String action, Write write) {
		return new Batch(actor, action, List.of(write));
	}

}
