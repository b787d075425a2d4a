package io.tollgate.policy.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.springframework.lang.Nullable;

/**
 * The one health signal of Tollgate's Redis, fed by every Redis user through
 * {@link RedisExecutor}. It opens on sustained failure ({@code failure-threshold}
 * consecutive failed calls, or a failed probe), never on one slow call; only the
 * background probe closes it again, so requests never probe a dead Redis and an outage is
 * logged once when it starts and once when it ends, at most once per probe interval.
 */
public final class StoreBreaker {

	/** What policies do with Redis. Every change goes through {@link #canBecome}. */
	public enum State {

		/**
		 * Not reached yet: the first contact (which may block while connecting) has not
		 * finished.
		 */
		CONNECTING,

		/** Redis answers: policies use the shared state. */
		CLOSED,

		/**
		 * Redis is unreachable or too slow: policies use their fallbacks until a probe
		 * succeeds.
		 */
		OPEN;

		public boolean canBecome(State next) {
			return switch (this) {
				case CONNECTING -> next == CLOSED || next == OPEN;
				case CLOSED -> next == OPEN;
				case OPEN -> next == CLOSED;
			};
		}

	}

	private final int failureThreshold;

	private final OutageLog outage;

	private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	/**
	 * Failed probes in a row; answered calls in between do not reset it (a slow Redis
	 * still answers).
	 */
	private final AtomicInteger failedProbes = new AtomicInteger();

	private final List<Consumer<State>> listeners = new CopyOnWriteArrayList<>();

	@Nullable
	private volatile String lastError;

	private volatile boolean closing;

	public StoreBreaker(int failureThreshold) {
		this(failureThreshold, new OutageLog("Redis"));
	}

	StoreBreaker(int failureThreshold, OutageLog outage) {
		this.failureThreshold = failureThreshold;
		this.outage = outage;
	}

	/** True when callers should use Redis. */
	public boolean isClosed() {
		return this.state.get() == State.CLOSED;
	}

	public State state() {
		return this.state.get();
	}

	public int consecutiveFailures() {
		return this.consecutiveFailures.get();
	}

	/** The last failure seen, for health details; null if none. */
	@Nullable
	public String lastError() {
		return this.lastError;
	}

	/** Called with the new state after every transition. */
	public void onTransition(Consumer<State> listener) {
		this.listeners.add(listener);
	}

	/** A call answered. Called on every request: reads before it writes. */
	public void onSuccess() {
		if (this.consecutiveFailures.get() != 0) {
			this.consecutiveFailures.set(0);
		}
	}

	/** A call failed or timed out. */
	public void onFailure(Throwable cause) {
		if (this.closing) {
			return;
		}
		this.lastError = OutageLog.describe(cause);
		if (this.consecutiveFailures.incrementAndGet() >= this.failureThreshold) {
			open(cause);
		}
	}

	/** The probe reached Redis in time: the store is used again. */
	public void probeSucceeded() {
		this.consecutiveFailures.set(0);
		this.failedProbes.set(0);
		State current = this.state.get();
		if (current != State.CLOSED && transition(current, State.CLOSED)) {
			this.outage.succeeded();
		}
	}

	/**
	 * The probe did not reach Redis in time. Before the first contact that is an outage
	 * at once; afterwards {@code failure-threshold} probes in a row are (one late probe
	 * may be a pause of this process, several in a row are not).
	 */
	public void probeFailed(Throwable cause) {
		if (this.closing) {
			return;
		}
		this.lastError = OutageLog.describe(cause);
		if (this.failedProbes.incrementAndGet() >= this.failureThreshold || this.state.get() == State.CONNECTING) {
			open(cause);
		}
	}

	/**
	 * Shutting down: failures caused by closing clients are neither counted nor logged.
	 */
	public void close() {
		this.closing = true;
	}

	private void open(Throwable cause) {
		State current = this.state.get();
		if (current != State.OPEN && transition(current, State.OPEN)) {
			this.outage.failed(cause, "policies use their fallbacks until it answers again");
		}
	}

	private boolean transition(State from, State to) {
		if (!from.canBecome(to) || !this.state.compareAndSet(from, to)) {
			return false;
		}
		for (Consumer<State> listener : this.listeners) {
			listener.accept(to);
		}
		return true;
	}

}
