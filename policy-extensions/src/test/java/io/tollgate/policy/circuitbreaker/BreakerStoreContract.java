package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * What every {@link BreakerStore} does: window aggregation and trimming, opening with its
 * announcement, cluster-wide half-open permits, trial outcomes and released permits,
 * operator overrides. Run in memory on a mock clock, and on Redis (standalone and
 * Cluster) on its clock.
 */
abstract class BreakerStoreContract {

	static final Duration T = Duration.ofSeconds(5);

	abstract BreakerStore store();

	/** Lets time pass on the store's clock. */
	abstract void advance(Duration by) throws InterruptedException;

	/** Waits until an announcement may have arrived. */
	abstract void awaitDelivery(java.util.function.BooleanSupplier condition) throws InterruptedException;

	static BreakerSettings settings(String name, int minimumCalls, Duration window, Duration wait, int halfOpenCalls) {
		return new BreakerSettings(name, 50, 100, Duration.ofSeconds(2), window, minimumCalls, wait, halfOpenCalls,
				Set.of(500), null);
	}

	@Test
	void whenClusterWideFailureRateCrossesThresholdAfterMinimumCalls_thenOpensAndAnnouncesIt() throws Exception {
		BreakerSettings s = settings("orders", 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
		List<SharedSnapshot.NamedSnapshot> announced = new CopyOnWriteArrayList<>();
		List<Boolean> subscribed = new CopyOnWriteArrayList<>();
		Disposable sub = store().changes(() -> subscribed.add(true)).subscribe(announced::add);
		try {
			awaitDelivery(() -> !subscribed.isEmpty());
			// three replicas, each below minimum-calls, all failing
			assertThat(store().record(s, 6, 6, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			assertThat(store().record(s, 6, 6, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			assertThat(store().record(s, 6, 0, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			SharedSnapshot opened = store().record(s, 2, 0, 0).block(T);
			assertThat(opened.state()).isEqualTo(BreakerState.OPEN);
			assertThat(opened.remainingOpenMillis()).isBetween(29_000L, 30_000L);
			assertThat(store().read("orders").block(T).state()).isEqualTo(BreakerState.OPEN);
			awaitDelivery(() -> !announced.isEmpty());
			assertThat(announced.get(0).name()).isEqualTo("orders");
			assertThat(announced.get(0).snapshot().state()).isEqualTo(BreakerState.OPEN);
			assertThat(announced.get(0).snapshot().version()).isEqualTo(opened.version());
			assertThat(announced.get(0).snapshot().cause()).isEqualTo(BreakerState.Cause.RATE);
		}
		finally {
			sub.dispose();
		}
	}

	@Test
	void whenSlowCallsCrossTheirThreshold_thenOpens() {
		BreakerSettings s = new BreakerSettings("slow", 50, 80, Duration.ofSeconds(1), Duration.ofSeconds(10), 10,
				Duration.ofSeconds(30), 3, Set.of(500), null);
		assertThat(store().record(s, 10, 0, 7).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store().record(s, 10, 0, 10).block(T).state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void whenOutcomesAreOlderThanTheWindow_thenTheyNoLongerCount() throws Exception {
		BreakerSettings s = settings("window", 10, Duration.ofSeconds(1), Duration.ofSeconds(30), 3);
		assertThat(store().record(s, 9, 9, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
		advance(Duration.ofMillis(2100));
		assertThat(store().record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store().record(s, 9, 9, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void whenWaitInOpenIsOver_thenAtMostHalfOpenCallsPermitsAcrossAllCallers() throws Exception {
		BreakerSettings s = settings("trials", 1, Duration.ofSeconds(10), Duration.ofMillis(300), 3);
		assertThat(store().record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
		advance(Duration.ofMillis(350));
		List<TrialPermit> answers = Flux.range(0, 20).flatMap(i -> store().acquireTrial(s), 20).collectList().block(T);
		assertThat(answers).filteredOn(a -> a.verdict() == TrialPermit.Verdict.TRIAL).hasSize(3);
		assertThat(answers).filteredOn(a -> a.verdict() == TrialPermit.Verdict.DENIED).hasSize(17);
		assertThat(answers).allMatch(a -> a.snapshot().state() == BreakerState.HALF_OPEN);
		assertThat(store().read("trials").block(T).state()).isEqualTo(BreakerState.HALF_OPEN);
	}

	@Test
	void whenTrialsSucceed_thenClosesWithAFreshWindow_andWhenOneTrialFails_thenReopens() throws Exception {
		BreakerSettings s = new BreakerSettings("verdict", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), 1,
				Duration.ofMillis(200), 2, Set.of(500), null);
		store().record(s, 1, 1, 0).block(T);
		advance(Duration.ofMillis(250));
		long version = store().acquireTrial(s).block(T).snapshot().version();
		assertThat(store().reportTrial(s, version, TrialOutcome.GOOD).block(T).state())
			.isEqualTo(BreakerState.HALF_OPEN);
		assertThat(store().reportTrial(s, version, TrialOutcome.GOOD).block(T).state()).isEqualTo(BreakerState.CLOSED);
		// a late report from the finished half-open period changes nothing
		assertThat(store().reportTrial(s, version, TrialOutcome.BAD).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store().record(s, 1, 0, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);

		store().record(s, 1, 1, 0).block(T);
		advance(Duration.ofMillis(250));
		long second = store().acquireTrial(s).block(T).snapshot().version();
		SharedSnapshot reopened = store().reportTrial(s, second, TrialOutcome.BAD).block(T);
		assertThat(reopened.state()).isEqualTo(BreakerState.OPEN);
		assertThat(reopened.remainingOpenMillis()).isEqualTo(200);
		assertThat(reopened.version()).isGreaterThan(second);
	}

	@Test
	void whenATrialPermitIsReleased_thenAnotherCallerGetsIt_andTheBreakerStaysHalfOpen() throws Exception {
		BreakerSettings s = settings("released", 1, Duration.ofSeconds(10), Duration.ofMillis(100), 1);
		store().record(s, 1, 1, 0).block(T);
		advance(Duration.ofMillis(150));
		TrialPermit first = store().acquireTrial(s).block(T);
		assertThat(first.verdict()).isEqualTo(TrialPermit.Verdict.TRIAL);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
		SharedSnapshot after = store().reportTrial(s, first.snapshot().version(), TrialOutcome.RELEASE).block(T);
		assertThat(after.state()).isEqualTo(BreakerState.HALF_OPEN);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.TRIAL);
		// releasing more than was handed out never adds permits
		store().reportTrial(s, first.snapshot().version(), TrialOutcome.RELEASE).block(T);
		store().reportTrial(s, first.snapshot().version(), TrialOutcome.RELEASE).block(T);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.TRIAL);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
	}

	@Test
	void whenTrialPermitsNeverReport_thenTheyAreHandedOutAgainAfterTheTrialTimeout() throws Exception {
		// trial timeout = timeout + 1s = 1.1s
		BreakerSettings s = new BreakerSettings("lost", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), 1,
				Duration.ofMillis(100), 1, Set.of(500), Duration.ofMillis(100));
		store().record(s, 1, 1, 0).block(T);
		advance(Duration.ofMillis(150));
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.TRIAL);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
		advance(Duration.ofMillis(1200));
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.TRIAL);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
	}

	@Test
	void whenOperatorForcesStates_thenRecordsAndPermitsFollowTheOverride() {
		BreakerSettings s = settings("forced", 1, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
		assertThat(store().force("forced", BreakerOverride.FORCED_OPEN).block(T).state())
			.isEqualTo(BreakerState.FORCED_OPEN);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.DENIED);
		assertThat(store().force("forced", BreakerOverride.FORCED_CLOSED).block(T).state())
			.isEqualTo(BreakerState.FORCED_CLOSED);
		assertThat(store().record(s, 100, 100, 0).block(T).state()).isEqualTo(BreakerState.FORCED_CLOSED);
		assertThat(store().acquireTrial(s).block(T).verdict()).isEqualTo(TrialPermit.Verdict.PASS);
		SharedSnapshot reset = store().force("forced", BreakerOverride.RESET).block(T);
		assertThat(reset.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(reset.cause()).isEqualTo(BreakerState.Cause.OPERATOR);
		assertThat(store().record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void whenVersionsAreIssued_thenEachTransitionIsNewerThanTheLast() throws Exception {
		BreakerSettings s = settings("versions", 1, Duration.ofSeconds(10), Duration.ofMillis(50), 1);
		List<Long> versions = new ArrayList<>();
		versions.add(store().record(s, 1, 1, 0).block(T).version());
		advance(Duration.ofMillis(60));
		versions.add(store().acquireTrial(s).block(T).snapshot().version());
		versions.add(store().reportTrial(s, versions.get(1), TrialOutcome.GOOD).block(T).version());
		versions.add(store().force("versions", BreakerOverride.FORCED_OPEN).block(T).version());
		assertThat(versions).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void whenNothingWasRecorded_thenTheBreakerReadsClosed() {
		SharedSnapshot s = store().read("never-used").block(T);
		assertThat(s.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(s.version()).isZero();
	}

}
