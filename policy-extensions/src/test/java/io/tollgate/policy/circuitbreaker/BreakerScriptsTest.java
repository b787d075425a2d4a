package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The breaker Lua scripts against a real Redis: window aggregation and trimming, opening
 * with its announcement, cluster-wide half-open permits, trial outcomes, operator
 * overrides.
 */
abstract class BreakerScriptsTest {

	static final Duration T = Duration.ofSeconds(5);

	LettuceConnectionFactory factory;

	BreakerStore store;

	abstract RedisExtension redis();

	@BeforeEach
	void connect() {
		redis().flushAll();
		factory = RedisFixtures.connect(redis());
		store = new BreakerStore(RedisFixtures.template(factory), "tollgate:cb:events", Duration.ofSeconds(2));
	}

	@AfterEach
	void close() {
		factory.destroy();
	}

	static BreakerSettings settings(String name, int minimumCalls, Duration window, Duration wait, int halfOpenCalls) {
		return new BreakerSettings(name, 50, 100, Duration.ofSeconds(2), window, minimumCalls, wait, halfOpenCalls,
				Set.of(500), null);
	}

	@Test
	void whenClusterWideFailureRateCrossesThresholdAfterMinimumCalls_thenOpensAndAnnouncesIt() throws Exception {
		BreakerSettings s = settings("orders", 20, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
		List<String> messages = new CopyOnWriteArrayList<>();
		ReactiveRedisMessageListenerContainer container = new ReactiveRedisMessageListenerContainer(factory);
		Disposable sub = container.receiveLater(ChannelTopic.of(store.channel()))
			.block(T)
			.subscribe(m -> messages.add(m.getMessage()));
		try {
			// three replicas, each below minimum-calls, all failing
			assertThat(store.record(s, 6, 6, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			assertThat(store.record(s, 6, 6, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			assertThat(store.record(s, 6, 0, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
			SharedSnapshot opened = store.record(s, 2, 0, 0).block(T);
			assertThat(opened.state()).isEqualTo(BreakerState.OPEN);
			assertThat(opened.remainingOpenMillis()).isBetween(29_000L, 30_000L);
			assertThat(store.read("orders").block(T).state()).isEqualTo(BreakerState.OPEN);
			waitFor(() -> !messages.isEmpty());
			SharedSnapshot.NamedSnapshot announced = SharedSnapshot.fromMessage(messages.get(0));
			assertThat(announced.name()).isEqualTo("orders");
			assertThat(announced.snapshot().state()).isEqualTo(BreakerState.OPEN);
			assertThat(announced.snapshot().version()).isEqualTo(opened.version());
		}
		finally {
			sub.dispose();
			container.destroy();
		}
	}

	@Test
	void whenFailureRateStaysBelowThreshold_thenStaysClosed() {
		BreakerSettings s = settings("steady", 10, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
		for (int i = 0; i < 5; i++) {
			assertThat(store.record(s, 10, 4, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
		}
	}

	@Test
	void whenSlowCallRateCrossesThreshold_thenOpens() {
		BreakerSettings s = new BreakerSettings("slowpoke", 50, 80, Duration.ofMillis(100), Duration.ofSeconds(10), 10,
				Duration.ofSeconds(30), 3, Set.of(500), null);
		assertThat(store.record(s, 10, 0, 7).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store.record(s, 10, 0, 10).block(T).state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void whenOutcomesAreOlderThanTheWindow_thenTheyNoLongerCount() throws Exception {
		BreakerSettings s = settings("window", 10, Duration.ofSeconds(1), Duration.ofSeconds(30), 3);
		assertThat(store.record(s, 9, 9, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
		Thread.sleep(2100);
		assertThat(store.record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store.record(s, 9, 9, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
	}

	@Test
	void whenWaitInOpenIsOver_thenAtMostHalfOpenCallsPermitsAcrossAllCallers() throws Exception {
		BreakerSettings s = settings("trials", 1, Duration.ofSeconds(10), Duration.ofMillis(300), 3);
		assertThat(store.record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
		assertThat(store.acquire(s).block(T).verdict()).isZero();
		Thread.sleep(350);
		List<BreakerStore.Verdict> verdicts = Flux.range(0, 20)
			.flatMap(i -> store.acquire(s), 20)
			.collectList()
			.block(T);
		assertThat(verdicts).filteredOn(v -> v.verdict() == 1).hasSize(3);
		assertThat(verdicts).filteredOn(v -> v.verdict() == 0).hasSize(17);
		assertThat(verdicts).allMatch(v -> v.snapshot().state() == BreakerState.HALF_OPEN);
		assertThat(store.read("trials").block(T).state()).isEqualTo(BreakerState.HALF_OPEN);
	}

	@Test
	void whenTrialsSucceed_thenClosesWithAFreshWindow_andWhenOneTrialFails_thenReopens() throws Exception {
		BreakerSettings s = new BreakerSettings("verdict", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), 1,
				Duration.ofMillis(200), 2, Set.of(500), null);
		store.record(s, 1, 1, 0).block(T);
		Thread.sleep(250);
		long version = store.acquire(s).block(T).snapshot().version();
		assertThat(store.trial(s, version, true).block(T).state()).isEqualTo(BreakerState.HALF_OPEN);
		assertThat(store.trial(s, version, true).block(T).state()).isEqualTo(BreakerState.CLOSED);
		// a late report from the finished half-open period changes nothing
		assertThat(store.trial(s, version, false).block(T).state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store.record(s, 1, 0, 0).block(T).state()).isEqualTo(BreakerState.CLOSED);

		store.record(s, 1, 1, 0).block(T);
		Thread.sleep(250);
		long second = store.acquire(s).block(T).snapshot().version();
		SharedSnapshot reopened = store.trial(s, second, false).block(T);
		assertThat(reopened.state()).isEqualTo(BreakerState.OPEN);
		assertThat(reopened.remainingOpenMillis()).isEqualTo(200);
		assertThat(reopened.version()).isGreaterThan(second);
	}

	@Test
	void whenTrialPermitsNeverReport_thenTheyAreHandedOutAgainAfterTheTrialTimeout() throws Exception {
		// trial timeout = timeout + 1s = 1.1s
		BreakerSettings s = new BreakerSettings("lost", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), 1,
				Duration.ofMillis(100), 1, Set.of(500), Duration.ofMillis(100));
		store.record(s, 1, 1, 0).block(T);
		Thread.sleep(150);
		assertThat(store.acquire(s).block(T).verdict()).isEqualTo(1);
		assertThat(store.acquire(s).block(T).verdict()).isZero();
		Thread.sleep(1200);
		assertThat(store.acquire(s).block(T).verdict()).isEqualTo(1);
		assertThat(store.acquire(s).block(T).verdict()).isZero();
	}

	@Test
	void whenOperatorForcesStates_thenRecordsAndPermitsFollowTheOverride() {
		BreakerSettings s = settings("forced", 1, Duration.ofSeconds(10), Duration.ofSeconds(30), 3);
		assertThat(store.force("forced", "FORCED_OPEN").block(T).state()).isEqualTo(BreakerState.FORCED_OPEN);
		assertThat(store.acquire(s).block(T).verdict()).isZero();
		assertThat(store.force("forced", "FORCED_CLOSED").block(T).state()).isEqualTo(BreakerState.FORCED_CLOSED);
		assertThat(store.record(s, 100, 100, 0).block(T).state()).isEqualTo(BreakerState.FORCED_CLOSED);
		assertThat(store.acquire(s).block(T).verdict()).isEqualTo(2);
		SharedSnapshot reset = store.force("forced", "RESET").block(T);
		assertThat(reset.state()).isEqualTo(BreakerState.CLOSED);
		assertThat(store.record(s, 1, 1, 0).block(T).state()).isEqualTo(BreakerState.OPEN);
		assertThatThrownBy(() -> store.force("forced", "EXPLODE").block(T))
			.hasRootCauseMessage("unknown breaker action EXPLODE");
	}

	@Test
	void whenVersionsAreIssued_thenEachTransitionIsNewerThanTheLast() throws Exception {
		BreakerSettings s = settings("versions", 1, Duration.ofSeconds(10), Duration.ofMillis(50), 1);
		List<Long> versions = new ArrayList<>();
		versions.add(store.record(s, 1, 1, 0).block(T).version());
		Thread.sleep(60);
		versions.add(store.acquire(s).block(T).snapshot().version());
		versions.add(store.trial(s, versions.get(1), true).block(T).version());
		versions.add(store.force("versions", "FORCED_OPEN").block(T).version());
		assertThat(versions).isSorted().doesNotHaveDuplicates();
	}

	static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 5s");
			}
			Thread.sleep(20);
		}
	}

}
