package io.tollgate.policy.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The number of live gateway replicas last seen in Redis (1 until the first heartbeat
 * answers).
 */
public final class LiveReplicas implements IntSupplier {

	private final AtomicInteger count = new AtomicInteger(1);

	@Override
	public int getAsInt() {
		return count.get();
	}

	void set(long live) {
		count.set((int) Math.max(1, Math.min(Integer.MAX_VALUE, live)));
	}

}
