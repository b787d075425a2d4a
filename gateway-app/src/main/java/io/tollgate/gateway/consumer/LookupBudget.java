package io.tollgate.gateway.consumer;

import java.time.Clock;

/**
 * A token bucket of store lookups: {@code perSecond} tokens a second, as many in a burst.
 */
final class LookupBudget {

	private final Clock clock;

	private final double perMilli;

	private final double capacity;

	private double tokens;

	private long last;

	LookupBudget(int perSecond, Clock clock) {
		this.clock = clock;
		this.perMilli = perSecond / 1000.0;
		this.capacity = perSecond;
		this.tokens = perSecond;
		this.last = clock.millis();
	}

	synchronized boolean tryAcquire() {
		long now = this.clock.millis();
		if (now > this.last) {
			this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMilli);
			this.last = now;
		}
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return true;
		}
		return false;
	}

}
