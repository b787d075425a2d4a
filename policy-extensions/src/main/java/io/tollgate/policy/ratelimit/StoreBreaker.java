package io.tollgate.policy.ratelimit;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps a dead or blackholed store off the request path: after {@code threshold}
 * consecutive failures the store is skipped for {@code backoff}; then one caller at a
 * time is let through as a probe until one succeeds.
 * <p>
 * A breaker created {@linkplain #awaitingFirstSuccess awaiting its first success} keeps
 * requests off the store until something else (the heartbeat) has reached it once:
 * opening the very first connection can block the calling thread, which must never be an
 * event loop.
 */
public final class StoreBreaker {

	/** What the breaker currently does with requests. */
	public enum State {

		/** The store is called. */
		CLOSED,

		/** The store is skipped, requests go to the fallback. */
		OPEN

	}

	private final int threshold;

	private final long backoffNanos;

	private final LongSupplier nanoClock;

	private final AtomicInteger failures = new AtomicInteger();

	/**
	 * When OPEN: the nano time after which the next caller may probe; Long.MIN_VALUE when
	 * CLOSED.
	 */
	private final AtomicLong retryAt = new AtomicLong(Long.MIN_VALUE);

	private volatile boolean reachedOnce;

	public StoreBreaker(int threshold, java.time.Duration backoff) {
		this(threshold, backoff, System::nanoTime);
		this.reachedOnce = true;
	}

	StoreBreaker(int threshold, java.time.Duration backoff, LongSupplier nanoClock) {
		this.threshold = threshold;
		this.backoffNanos = backoff.toNanos();
		this.nanoClock = nanoClock;
		this.reachedOnce = true;
	}

	/** A breaker that lets no request through before the first {@link #onSuccess()}. */
	public static StoreBreaker awaitingFirstSuccess(int threshold, java.time.Duration backoff) {
		StoreBreaker breaker = new StoreBreaker(threshold, backoff, System::nanoTime);
		breaker.reachedOnce = false;
		return breaker;
	}

	/**
	 * True when this caller should use the store (always when closed; one probe per
	 * backoff when open).
	 */
	public boolean tryAcquire() {
		if (!reachedOnce) {
			return false;
		}
		long at = retryAt.get();
		if (at == Long.MIN_VALUE) {
			return true;
		}
		long now = nanoClock.getAsLong();
		// the winner of the CAS is the probe; everyone else keeps using the fallback
		// until it reports
		return now - at >= 0 && retryAt.compareAndSet(at, now + backoffNanos);
	}

	public void onSuccess() {
		// called on every request: read before writing, so the common case writes no
		// shared cache line
		if (!reachedOnce) {
			reachedOnce = true;
		}
		if (failures.get() != 0) {
			failures.set(0);
		}
		if (retryAt.get() != Long.MIN_VALUE) {
			retryAt.set(Long.MIN_VALUE);
		}
	}

	public void onFailure() {
		if (failures.incrementAndGet() >= threshold) {
			long now = nanoClock.getAsLong();
			long at = retryAt.get();
			if (at == Long.MIN_VALUE || at - now < backoffNanos) {
				retryAt.set(now + backoffNanos);
			}
		}
	}

	public State state() {
		return reachedOnce && retryAt.get() == Long.MIN_VALUE ? State.CLOSED : State.OPEN;
	}

	public int consecutiveFailures() {
		return failures.get();
	}

}
