package io.tollgate.policy.circuitbreaker;

import java.time.Clock;
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
 * outcomes, plus this replica's view of the shared breaker in the {@link BreakerStore}. A
 * call passes only when both permit. The hot path reads the shared view from memory; the
 * store is asked only for half-open trial permits.
 */
public class SharedCircuitBreaker {

	private static final Logger log = LoggerFactory.getLogger(SharedCircuitBreaker.class);

	/**
	 * After a denied trial permit, further calls are refused locally this long (no store
	 * call each).
	 */
	static final long DENIED_TRIAL_HOLD_MILLIS = 250;

	private final BreakerSettings settings;

	private final BreakerStore store;

	private final Clock clock;

	private final CircuitBreaker local;

	private final LongAdder pendingCalls = new LongAdder();

	private final LongAdder pendingFailures = new LongAdder();

	private final LongAdder pendingSlow = new LongAdder();

	private volatile View view;

	/**
	 * When the last pushed (announced or script) state was applied; polls issued before
	 * it may be stale.
	 */
	private volatile long lastPushMillis;

	/**
	 * False until the shared state was read once, and again during a store outage: a
	 * replica that starts late or rejoins learns the current state at the next flush
	 * tick.
	 */
	private volatile boolean synced;

	private volatile long localOpenedMillis;

	/** Until when a denied trial permit is remembered. */
	private volatile long trialDeniedUntilMillis;

	public SharedCircuitBreaker(BreakerSettings settings, BreakerStore store, Clock clock) {
		this.settings = settings;
		this.store = store;
		this.clock = clock;
		long now = clock.millis();
		this.view = new View(SharedSnapshot.INITIAL, now);
		this.lastPushMillis = now;
		this.localOpenedMillis = now;
		this.local = CircuitBreaker.of(settings.name(), localConfig(settings, clock));
		this.local.getEventPublisher().onStateTransition(event -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.localOpenedMillis = clock.millis();
			}
			log.info("Circuit breaker '{}' (local) {} -> {}", settings.name(),
					event.getStateTransition().getFromState(), event.getStateTransition().getToState());
		});
	}

	private static CircuitBreakerConfig localConfig(BreakerSettings s, Clock clock) {
		return CircuitBreakerConfig.custom()
			.clock(clock)
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
		return this.settings.name();
	}

	public BreakerSettings settings() {
		return this.settings;
	}

	/** The shared state as this replica sees it. */
	public BreakerState sharedState() {
		View v = this.view;
		if (v.snapshot.state() == BreakerState.OPEN && v.openUntilMillis - this.clock.millis() <= 0) {
			return BreakerState.HALF_OPEN;
		}
		return v.snapshot.state();
	}

	public CircuitBreaker.State localState() {
		return this.local.getState();
	}

	/**
	 * Whether this replica currently follows the shared state (false while the store is
	 * unavailable).
	 */
	public boolean isShared() {
		return this.store.available();
	}

	/**
	 * Milliseconds until a call may be let through again, as a rejected call is told in
	 * its {@code Retry-After}: the shared open period, the local one, or the wait of a
	 * forced-open breaker; 0 when calls pass.
	 */
	public long retryAfterMillis() {
		View v = this.view;
		long now = this.clock.millis();
		return switch (v.snapshot.state()) {
			case FORCED_OPEN -> this.settings.waitInOpen().toMillis();
			case OPEN -> Math.max(0, v.openUntilMillis - now);
			default -> this.local.getState() == CircuitBreaker.State.OPEN ? localRetryAfterMillis() : 0;
		};
	}

	/** Asks for permission; decided on subscription, not on assembly. */
	Mono<Permit> acquire() {
		return Mono.defer(this::decide);
	}

	private Mono<Permit> decide() {
		View v = this.view;
		BreakerState shared = v.snapshot.state();
		if (shared == BreakerState.FORCED_OPEN) {
			return Mono.just(Permit.rejected("forced", this.settings.waitInOpen().toMillis()));
		}
		if (shared == BreakerState.FORCED_CLOSED) {
			return Mono.just(Permit.UNTRACKED);
		}
		if (!this.local.tryAcquirePermission()) {
			return Mono.just(Permit.rejected("local", localRetryAfterMillis()));
		}
		if (!this.store.available() || shared == BreakerState.CLOSED) {
			return Mono.just(Permit.PASS);
		}
		long now = this.clock.millis();
		if (shared == BreakerState.OPEN && v.openUntilMillis - now > 0) {
			this.local.releasePermission();
			return Mono.just(Permit.rejected("cluster", v.openUntilMillis - now));
		}
		if (this.trialDeniedUntilMillis - now > 0) {
			this.local.releasePermission();
			return Mono.just(Permit.rejected("cluster", 1000));
		}
		return this.store.acquireTrial(this.settings).map(answer -> {
			applyPushed(answer.snapshot());
			return switch (answer.verdict()) {
				case TRIAL -> Permit.trial(answer.snapshot().version());
				case PASS -> Permit.PASS;
				case DENIED -> {
					this.local.releasePermission();
					this.trialDeniedUntilMillis = this.clock.millis() + DENIED_TRIAL_HOLD_MILLIS;
					yield Permit.rejected(answer.snapshot().state() == BreakerState.FORCED_OPEN ? "forced" : "cluster",
							Math.max(answer.snapshot().remainingOpenMillis(), 1000));
				}
			};
		}).onErrorResume(ex -> Mono.just(Permit.PASS));
	}

	/**
	 * Records the outcome of a call that was let through; completes once a trial outcome
	 * is in the store.
	 */
	Mono<Void> complete(Permit permit, Outcome outcome, long elapsedNanos) {
		if (outcome == Outcome.NOT_UPSTREAM) {
			return release(permit);
		}
		if (permit.localHeld()) {
			if (outcome.isFailure()) {
				this.local.onError(elapsedNanos, TimeUnit.NANOSECONDS, new UpstreamFailure(outcome));
			}
			else {
				this.local.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
			}
		}
		boolean slow = elapsedNanos > this.settings.slowCallDuration().toNanos();
		if (permit.isTrial()) {
			TrialOutcome trial = !outcome.isFailure() && !slow ? TrialOutcome.GOOD : TrialOutcome.BAD;
			return report(permit, trial);
		}
		if (permit.shared()) {
			this.pendingCalls.increment();
			if (outcome.isFailure()) {
				this.pendingFailures.increment();
			}
			if (slow) {
				this.pendingSlow.increment();
			}
		}
		return Mono.empty();
	}

	/**
	 * The call says nothing about the upstream (the gateway refused it, or the client
	 * went away): every permission it held is given back.
	 */
	Mono<Void> release(Permit permit) {
		if (permit.localHeld()) {
			this.local.releasePermission();
		}
		return permit.isTrial() ? report(permit, TrialOutcome.RELEASE) : Mono.empty();
	}

	private Mono<Void> report(Permit permit, TrialOutcome outcome) {
		return this.store.reportTrial(this.settings, permit.trialVersion(), outcome)
			.doOnNext(this::applyPushed)
			.then()
			.onErrorResume(ex -> Mono.empty());
	}

	/** Sends the outcomes batched since the last flush to the shared window. */
	Mono<Void> flush() {
		if (!this.store.available()) {
			// outcomes of an outage would land in the window's current second when it is
			// back: drop them
			this.synced = false;
			this.pendingCalls.reset();
			this.pendingFailures.reset();
			this.pendingSlow.reset();
			return Mono.empty();
		}
		if (!this.synced) {
			return poll();
		}
		long calls = this.pendingCalls.sumThenReset();
		if (calls == 0) {
			return Mono.empty();
		}
		long failures = this.pendingFailures.sumThenReset();
		long slow = this.pendingSlow.sumThenReset();
		return this.store.record(this.settings, calls, failures, slow).doOnNext(this::applyPushed).then();
	}

	/**
	 * Re-reads the shared state (backstop for missed announcements, and rejoin after an
	 * outage).
	 */
	Mono<Void> poll() {
		if (!this.store.available()) {
			return Mono.empty();
		}
		long issued = this.clock.millis();
		return this.store.read(this.settings.name()).doOnNext(s -> {
			applyPolled(s, issued);
			this.synced = true;
		}).then();
	}

	/**
	 * Applies a state announced on the channel or returned by a script: newer versions
	 * only.
	 */
	synchronized void applyPushed(SharedSnapshot s) {
		this.lastPushMillis = this.clock.millis();
		if (s.version() >= this.view.snapshot.version()) {
			apply(s);
		}
	}

	/**
	 * Applies a polled state. A poll issued after the last push is authoritative even
	 * with a lower version: the store lost the key (Redis restarted without persistence),
	 * so the shared breaker starts afresh.
	 */
	synchronized void applyPolled(SharedSnapshot s, long issuedMillis) {
		if (s.version() >= this.view.snapshot.version() || issuedMillis - this.lastPushMillis > 0) {
			apply(s);
		}
	}

	private void apply(SharedSnapshot s) {
		View old = this.view;
		long now = this.clock.millis();
		this.view = new View(s, now + Math.max(s.remainingOpenMillis(), 0));
		this.trialDeniedUntilMillis = 0;
		boolean operator = s.cause() == BreakerState.Cause.OPERATOR;
		if (old.snapshot.state() != s.state() || (old.snapshot.version() != s.version() && operator)) {
			log.info("Circuit breaker '{}' (cluster) {} -> {}{}", this.settings.name(), old.snapshot.state(), s.state(),
					s.cause() == null ? "" : " (" + s.cause().tag() + ")");
			// closed by successful trials or by an operator: closed for everyone, this
			// replica's
			// own breaker included (its half-open history predates the cluster's verdict)
			if (s.state() == BreakerState.CLOSED && (operator || s.cause() == BreakerState.Cause.TRIAL)) {
				this.local.reset();
			}
		}
	}

	private long localRetryAfterMillis() {
		long elapsed = this.clock.millis() - this.localOpenedMillis;
		return Math.max(this.settings.waitInOpen().toMillis() - elapsed, 1000);
	}

	private record View(SharedSnapshot snapshot, long openUntilMillis) {
	}

	/** Marks a failed upstream call for the local Resilience4j breaker. */
	static final class UpstreamFailure extends RuntimeException {

		UpstreamFailure(Outcome outcome) {
			super(outcome.name(), null, false, false);
		}

	}

}
