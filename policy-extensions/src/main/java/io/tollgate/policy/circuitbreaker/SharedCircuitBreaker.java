package io.tollgate.policy.circuitbreaker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One named breaker on one replica: a local Resilience4j breaker over this replica's own
 * outcomes, plus this replica's view of the shared breaker kept in Redis. A call passes
 * only when both permit. The hot path reads the shared view from memory; Redis is asked
 * only for half-open trial permits.
 */
public class SharedCircuitBreaker {

	private static final Logger log = LoggerFactory.getLogger(SharedCircuitBreaker.class);

	private final BreakerSettings settings;

	private final BreakerStore store;

	private final CircuitBreaker local;

	private final LongAdder pendingCalls = new LongAdder();

	private final LongAdder pendingFailures = new LongAdder();

	private final LongAdder pendingSlow = new LongAdder();

	private volatile View view = new View(SharedSnapshot.INITIAL, System.nanoTime(), 0L);

	/**
	 * When the last pub/sub or script result was applied; polls issued before it may be
	 * stale.
	 */
	private volatile long lastPushNanos = System.nanoTime();

	/**
	 * False until the shared state was read once, and again during a Redis outage: a
	 * replica that starts late or rejoins learns the current state at the next flush
	 * tick.
	 */
	private volatile boolean synced;

	private volatile long localOpenedNanos = System.nanoTime();

	public SharedCircuitBreaker(BreakerSettings settings, BreakerStore store) {
		this.settings = settings;
		this.store = store;
		this.local = CircuitBreaker.of(settings.name(), localConfig(settings));
		this.local.getEventPublisher().onStateTransition(event -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				localOpenedNanos = System.nanoTime();
			}
			log.info("Circuit breaker '{}' (local) {} -> {}", settings.name(),
					event.getStateTransition().getFromState(), event.getStateTransition().getToState());
		});
	}

	private static CircuitBreakerConfig localConfig(BreakerSettings s) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(SlidingWindowType.TIME_BASED)
			// event-loop threads record outcomes: no monitor to contend on
			.slidingWindowSynchronizationStrategy(SlidingWindowSynchronizationStrategy.LOCK_FREE)
			.slidingWindowSize(s.slidingWindowSeconds())
			.minimumNumberOfCalls(s.minimumCalls())
			.failureRateThreshold(s.failureRateThreshold())
			.slowCallRateThreshold(s.slowCallRateThreshold())
			.slowCallDurationThreshold(s.slowCallDuration())
			.waitDurationInOpenState(s.waitInOpen())
			.permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.build();
	}

	public String name() {
		return settings.name();
	}

	public BreakerSettings settings() {
		return settings;
	}

	/** The shared state as this replica sees it. */
	public BreakerState sharedState() {
		View v = view;
		if (v.snapshot.state() == BreakerState.OPEN && v.openUntilNanos - System.nanoTime() <= 0) {
			return BreakerState.HALF_OPEN;
		}
		return v.snapshot.state();
	}

	public CircuitBreaker.State localState() {
		return local.getState();
	}

	/**
	 * Whether this replica currently follows the shared state (false while Redis is
	 * unreachable).
	 */
	public boolean isShared() {
		return !store.isDown();
	}

	/**
	 * Milliseconds until the shared breaker may let trial calls through; 0 when not open.
	 */
	public long sharedRetryAfterMillis() {
		View v = view;
		if (v.snapshot.state() != BreakerState.OPEN) {
			return 0;
		}
		return Math.max(0, TimeUnit.NANOSECONDS.toMillis(v.openUntilNanos - System.nanoTime()));
	}

	Mono<Permit> acquire() {
		View v = view;
		BreakerState shared = v.snapshot.state();
		if (shared == BreakerState.FORCED_OPEN) {
			return Mono.just(Permit.rejected("forced", settings.waitInOpen().toMillis()));
		}
		if (shared == BreakerState.FORCED_CLOSED) {
			return Mono.just(Permit.UNTRACKED);
		}
		if (!local.tryAcquirePermission()) {
			return Mono.just(Permit.rejected("local", localRetryAfterMillis()));
		}
		if (store.isDown()) {
			return Mono.just(Permit.pass(true, true));
		}
		if (shared == BreakerState.CLOSED) {
			return Mono.just(Permit.pass(true, true));
		}
		if (shared == BreakerState.OPEN) {
			long remaining = TimeUnit.NANOSECONDS.toMillis(v.openUntilNanos - System.nanoTime());
			if (remaining > 0) {
				local.releasePermission();
				return Mono.just(Permit.rejected("cluster", remaining));
			}
		}
		return store.acquire(settings).map(verdict -> {
			applyPushed(verdict.snapshot());
			return switch (verdict.verdict()) {
				case 1 -> Permit.trial(verdict.snapshot().version());
				case 2 -> Permit.pass(true, true);
				default -> {
					local.releasePermission();
					yield Permit.rejected(verdict.snapshot().state() == BreakerState.FORCED_OPEN ? "forced" : "cluster",
							Math.max(verdict.snapshot().remainingOpenMillis(), 1000));
				}
			};
		}).onErrorResume(ex -> Mono.just(Permit.pass(true, true)));
	}

	/**
	 * Records the outcome of a call that went upstream; completes once a trial outcome is
	 * in Redis.
	 */
	Mono<Void> complete(Permit permit, Outcome outcome, long elapsedNanos) {
		if (permit.localHeld()) {
			if (outcome.isFailure()) {
				local.onError(elapsedNanos, TimeUnit.NANOSECONDS, new UpstreamFailure(outcome));
			}
			else {
				local.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
			}
		}
		boolean slow = elapsedNanos > settings.slowCallDuration().toNanos();
		if (permit.isTrial()) {
			return store.trial(settings, permit.trialVersion(), !outcome.isFailure() && !slow)
				.doOnNext(this::applyPushed)
				.then()
				.onErrorResume(ex -> Mono.empty());
		}
		if (permit.shared()) {
			pendingCalls.increment();
			if (outcome.isFailure()) {
				pendingFailures.increment();
			}
			if (slow) {
				pendingSlow.increment();
			}
		}
		return Mono.empty();
	}

	/** The call never completed (client went away): give back the local permission. */
	void abandon(Permit permit) {
		if (permit.localHeld()) {
			local.releasePermission();
		}
	}

	/** Sends the outcomes batched since the last flush to the shared window. */
	Mono<Void> flush() {
		if (store.isDown()) {
			// outcomes of an outage would land in the window's current second when Redis
			// is back: drop them
			synced = false;
			pendingCalls.reset();
			pendingFailures.reset();
			pendingSlow.reset();
		}
		if (!synced) {
			return poll();
		}
		long calls = pendingCalls.sumThenReset();
		if (calls == 0) {
			return Mono.empty();
		}
		long failures = pendingFailures.sumThenReset();
		long slow = pendingSlow.sumThenReset();
		return store.record(settings, calls, failures, slow).doOnNext(this::applyPushed).then();
	}

	/**
	 * Re-reads the shared state (backstop for missed messages, and rejoin after an
	 * outage).
	 */
	Mono<Void> poll() {
		long issued = System.nanoTime();
		return store.read(settings.name()).doOnNext(s -> {
			applyPolled(s, issued);
			synced = true;
		}).then();
	}

	/**
	 * Applies a state announced on the channel or returned by a script: newer versions
	 * only.
	 */
	synchronized void applyPushed(SharedSnapshot s) {
		lastPushNanos = System.nanoTime();
		if (s.version() >= view.snapshot.version()) {
			apply(s);
		}
	}

	/**
	 * Applies a polled state. A poll issued after the last push is authoritative even
	 * with a lower version: Redis lost the key (restart without persistence), so the
	 * shared breaker starts afresh.
	 */
	synchronized void applyPolled(SharedSnapshot s, long issuedNanos) {
		if (s.version() >= view.snapshot.version() || issuedNanos - lastPushNanos > 0) {
			apply(s);
		}
	}

	private void apply(SharedSnapshot s) {
		View old = view;
		long now = System.nanoTime();
		view = new View(s, now + TimeUnit.MILLISECONDS.toNanos(Math.max(s.remainingOpenMillis(), 0)), now);
		if (old.snapshot.state() != s.state()
				|| old.snapshot.version() != s.version() && "operator".equals(s.cause())) {
			log.info("Circuit breaker '{}' (cluster) {} -> {}{}", settings.name(), old.snapshot.state(), s.state(),
					s.cause().isEmpty() ? "" : " (" + s.cause() + ")");
			// closed by successful trials or by an operator: closed for everyone, this
			// replica's
			// own breaker included (its half-open history predates the cluster's verdict)
			if (s.state() == BreakerState.CLOSED && ("operator".equals(s.cause()) || "trial".equals(s.cause()))) {
				local.reset();
			}
		}
	}

	private long localRetryAfterMillis() {
		long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - localOpenedNanos);
		return Math.max(settings.waitInOpen().toMillis() - elapsed, 1000);
	}

	Duration waitInOpen() {
		return settings.waitInOpen();
	}

	private record View(SharedSnapshot snapshot, long openUntilNanos, long appliedNanos) {
	}

	/** Marks a failed upstream call for the local Resilience4j breaker. */
	static final class UpstreamFailure extends RuntimeException {

		UpstreamFailure(Outcome outcome) {
			super(outcome.name(), null, false, false);
		}

	}

}
