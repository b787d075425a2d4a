package io.tollgate.policy.circuitbreaker;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The shared breaker of one process: the same rules as the Redis scripts, on an injected
 * clock. For tests of the breaker logic, and for a gateway that runs without Redis.
 */
public final class InMemoryBreakerStore implements BreakerStore {

	private final Clock clock;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final Sinks.Many<SharedSnapshot.NamedSnapshot> changes = Sinks.many().multicast().directBestEffort();

	public InMemoryBreakerStore(Clock clock) {
		this.clock = clock;
	}

	@Override
	public boolean available() {
		return true;
	}

	private Entry entry(String name) {
		return this.entries.computeIfAbsent(name, n -> new Entry());
	}

	@Override
	public Mono<SharedSnapshot> record(BreakerSettings s, long calls, long failures, long slow) {
		return Mono.fromSupplier(() -> {
			Entry e = entry(s.name());
			synchronized (e) {
				long now = this.clock.millis();
				if (e.state != BreakerState.CLOSED) {
					return e.snapshot(now);
				}
				long sec = Math.floorDiv(now, 1000);
				if (calls > 0) {
					long[] bucket = e.window.computeIfAbsent(sec, k -> new long[3]);
					bucket[0] += calls;
					bucket[1] += failures;
					bucket[2] += slow;
				}
				e.window.headMap(sec - s.slidingWindowSeconds() + 1).clear();
				long c = 0;
				long f = 0;
				long sl = 0;
				for (long[] b : e.window.values()) {
					c += b[0];
					f += b[1];
					sl += b[2];
				}
				if (c > 0 && c >= s.minimumCalls()
						&& (f * 100 >= s.failureRateThreshold() * c || sl * 100 >= s.slowCallRateThreshold() * c)) {
					e.open(now, s.waitInOpen().toMillis(), BreakerState.Cause.RATE);
					e.window.clear();
					return announce(s.name(), e.snapshot(now));
				}
				return e.snapshot(now);
			}
		});
	}

	@Override
	public Mono<TrialPermit> acquireTrial(BreakerSettings s) {
		return Mono.fromSupplier(() -> {
			Entry e = entry(s.name());
			synchronized (e) {
				long now = this.clock.millis();
				if (e.state.passes()) {
					return new TrialPermit(e.snapshot(now), TrialPermit.Verdict.PASS);
				}
				if (e.state == BreakerState.FORCED_OPEN) {
					return new TrialPermit(e.snapshot(now), TrialPermit.Verdict.DENIED);
				}
				if (e.state == BreakerState.OPEN) {
					if (e.openUntil - now > 0) {
						return new TrialPermit(e.snapshot(now), TrialPermit.Verdict.DENIED);
					}
					e.move(BreakerState.HALF_OPEN, BreakerState.Cause.WAIT, now);
					e.permits = s.halfOpenCalls();
					e.good = 0;
					e.bad = 0;
					e.trialDeadline = now + s.trialTimeout().toMillis();
					announce(s.name(), e.snapshot(now));
				}
				if (e.permits <= 0 && now > e.trialDeadline) {
					// trials handed out long ago never reported: issue them again
					e.permits = s.halfOpenCalls() - (e.good + e.bad);
					e.trialDeadline = now + s.trialTimeout().toMillis();
				}
				if (e.permits > 0) {
					e.permits--;
					return new TrialPermit(e.snapshot(now), TrialPermit.Verdict.TRIAL);
				}
				return new TrialPermit(e.snapshot(now), TrialPermit.Verdict.DENIED);
			}
		});
	}

	@Override
	public Mono<SharedSnapshot> reportTrial(BreakerSettings s, long version, TrialOutcome outcome) {
		return Mono.fromSupplier(() -> {
			Entry e = entry(s.name());
			synchronized (e) {
				long now = this.clock.millis();
				if (e.state != BreakerState.HALF_OPEN || e.version != version) {
					return e.snapshot(now);
				}
				switch (outcome) {
					case RELEASE -> {
						if (e.permits < s.halfOpenCalls()) {
							e.permits++;
						}
						return e.snapshot(now);
					}
					case GOOD -> e.good++;
					case BAD -> e.bad++;
				}
				int n = s.halfOpenCalls();
				if (e.bad * 100 >= s.failureRateThreshold() * n) {
					e.open(now, s.waitInOpen().toMillis(), BreakerState.Cause.TRIAL);
					return announce(s.name(), e.snapshot(now));
				}
				if (e.good * 100 > (100 - s.failureRateThreshold()) * n) {
					e.move(BreakerState.CLOSED, BreakerState.Cause.TRIAL, now);
					e.window.clear();
					return announce(s.name(), e.snapshot(now));
				}
				return e.snapshot(now);
			}
		});
	}

	@Override
	public Mono<SharedSnapshot> read(String name) {
		return Mono.fromSupplier(() -> {
			Entry e = entry(name);
			synchronized (e) {
				return e.snapshot(this.clock.millis()).withoutCause();
			}
		});
	}

	@Override
	public Mono<SharedSnapshot> force(String name, BreakerOverride override) {
		return Mono.fromSupplier(() -> {
			Entry e = entry(name);
			synchronized (e) {
				long now = this.clock.millis();
				e.move(override.target(), BreakerState.Cause.OPERATOR, now);
				e.window.clear();
				return announce(name, e.snapshot(now));
			}
		});
	}

	@Override
	public Flux<SharedSnapshot.NamedSnapshot> changes(Runnable onSubscribed) {
		return this.changes.asFlux().doOnSubscribe(subscription -> onSubscribed.run());
	}

	private SharedSnapshot announce(String name, SharedSnapshot snapshot) {
		this.changes.tryEmitNext(new SharedSnapshot.NamedSnapshot(name, snapshot));
		return snapshot;
	}

	/** One breaker's shared state (the fields of the Redis state hash). */
	private static final class Entry {

		BreakerState state = BreakerState.CLOSED;

		BreakerState.Cause cause;

		long version;

		long openUntil;

		int permits;

		int good;

		int bad;

		long trialDeadline;

		/** Epoch second to {calls, failures, slow}. */
		final TreeMap<Long, long[]> window = new TreeMap<>();

		void move(BreakerState next, BreakerState.Cause why, long now) {
			if (!this.state.canBecome(next, why)) {
				throw new IllegalStateException(
						"Illegal breaker transition " + this.state + " -> " + next + " (" + why + ")");
			}
			this.state = next;
			this.cause = why;
			this.version = Math.max(now * 1000, this.version + 1);
			this.openUntil = 0;
			this.permits = 0;
			this.good = 0;
			this.bad = 0;
			this.trialDeadline = 0;
		}

		void open(long now, long waitMillis, BreakerState.Cause why) {
			move(BreakerState.OPEN, why, now);
			this.openUntil = now + waitMillis;
		}

		SharedSnapshot snapshot(long now) {
			long remaining = this.state == BreakerState.OPEN ? this.openUntil - now : 0;
			return new SharedSnapshot(this.state, remaining, this.version, this.cause);
		}

	}

}
