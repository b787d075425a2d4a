package io.tollgate.policy.circuitbreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.tollgate.policy.redis.RedisKit;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * Two replicas' breaker registries on one real Redis, without HTTP: the sync loops, the
 * channel, the local breaker, and what happens while Redis is gone.
 */
class SharedCircuitBreakersTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static final Duration T = Duration.ofSeconds(5);

	Replica a;

	Replica b;

	@BeforeEach
	void replicas() {
		redis.flushAll();
		a = new Replica();
		b = new Replica();
	}

	@AfterEach
	void close() {
		a.close();
		b.close();
	}

	static BreakerSettings settings(int minimumCalls, Duration wait) {
		return new BreakerSettings("orders", 50, 100, Duration.ofSeconds(2), Duration.ofSeconds(10), minimumCalls, wait,
				2, Set.of(500), null);
	}

	@Test
	void whenOneReplicaSeesFailures_thenTheOtherTreatsTheBreakerAsOpenWithinOneSecond() throws Exception {
		BreakerSettings s = settings(10, Duration.ofSeconds(30));
		SharedCircuitBreaker onA = a.breakers.obtain("route", s);
		SharedCircuitBreaker onB = b.breakers.obtain("route", s);
		Thread.sleep(300); // let the listeners subscribe
		for (int i = 0; i < 10; i++) {
			Permit p = onA.acquire().block(T);
			assertThat(p.granted()).isTrue();
			onA.complete(p, Outcome.FAILURE, 1_000_000).block(T);
		}
		long start = System.nanoTime();
		waitFor(() -> onB.sharedState() == BreakerState.OPEN);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
		Permit rejected = onB.acquire().block(T);
		assertThat(rejected.granted()).isFalse();
		assertThat(rejected.rejectedBy()).isEqualTo("cluster");
		assertThat(rejected.retryAfterMillis()).isBetween(28_000L, 30_000L);
		// B never saw a failure itself
		assertThat(onB.localState()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void whenOnlyOneReplicaFails_thenOnlyItsLocalBreakerOpens() throws Exception {
		BreakerSettings s = settings(5, Duration.ofSeconds(30));
		SharedCircuitBreaker onA = a.breakers.obtain("route", s);
		SharedCircuitBreaker onB = b.breakers.obtain("route", s);
		for (int i = 0; i < 20; i++) {
			Permit ok = onB.acquire().block(T);
			onB.complete(ok, Outcome.SUCCESS, 1_000_000).block(T);
		}
		Thread.sleep(500); // B's successes reach the shared window first
		for (int i = 0; i < 5; i++) {
			Permit bad = onA.acquire().block(T);
			onA.complete(bad, Outcome.FAILURE, 1_000_000).block(T);
		}
		assertThat(onA.localState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(onA.acquire().block(T).rejectedBy()).isEqualTo("local");
		Thread.sleep(1500); // several flushes and polls
		assertThat(onB.sharedState()).isEqualTo(BreakerState.CLOSED);
		assertThat(onA.sharedState()).isEqualTo(BreakerState.CLOSED);
		assertThat(onB.acquire().block(T).granted()).isTrue();
	}

	@Test
	void whenRedisIsDown_thenLocalBreakersDecideAlone_andWhenItReturnsTheSharedStateResumes() throws Exception {
		BreakerSettings s = settings(5, Duration.ofSeconds(30));
		SharedCircuitBreaker onA = a.breakers.obtain("route", s);
		SharedCircuitBreaker onB = b.breakers.obtain("route", s);
		a.breakers.force("orders", BreakerOverride.FORCED_OPEN).block(T);
		waitFor(() -> onB.sharedState() == BreakerState.FORCED_OPEN);
		a.breakers.force("orders", BreakerOverride.RESET).block(T);
		waitFor(() -> onB.sharedState() == BreakerState.CLOSED);
		redis.stop();
		try {
			waitFor(() -> !onA.isShared() && !onB.isShared());
			for (int i = 0; i < 5; i++) {
				Permit p = onA.acquire().block(T);
				assertThat(p.granted()).isTrue();
				onA.complete(p, Outcome.FAILURE, 1_000_000).block(T);
			}
			assertThat(onA.acquire().block(T).rejectedBy()).isEqualTo("local");
			assertThat(onB.acquire().block(T).granted()).isTrue();
		}
		finally {
			redis.start();
		}
		waitFor(() -> onA.isShared() && onB.isShared());
		a.breakers.store().force("orders", BreakerOverride.FORCED_OPEN).block(T);
		waitFor(() -> onB.sharedState() == BreakerState.FORCED_OPEN);
	}

	@Test
	void whenRedisIsDownWhileAReplicaStarts_thenItServesOnItsLocalBreaker_andJoinsOnceRedisIsUp() throws Exception {
		BreakerSettings s = settings(5, Duration.ofSeconds(30));
		SharedCircuitBreaker onA = a.breakers.obtain("route", s);
		redis.stop();
		Replica late;
		try {
			late = new Replica();
			SharedCircuitBreaker onLate = late.breakers.obtain("route", s);
			assertThat(onLate.acquire().block(T).granted()).isTrue();
		}
		finally {
			redis.start();
		}
		try (Replica started = late) {
			SharedCircuitBreaker onLate = started.breakers.obtain("route", s);
			waitFor(() -> onA.isShared() && onLate.isShared());
			// A may not have noticed the short outage; its connection comes back within a
			// second
			forceWhenReachable(a, BreakerOverride.FORCED_OPEN);
			waitFor(() -> onLate.sharedState() == BreakerState.FORCED_OPEN);
			// and the announcement channel works for it too: a change reaches it well
			// before the next poll
			a.breakers.force("orders", BreakerOverride.FORCED_CLOSED).block(T);
			long at = System.nanoTime();
			waitFor(() -> onLate.sharedState() == BreakerState.FORCED_CLOSED);
			assertThat(Duration.ofNanos(System.nanoTime() - at)).isLessThan(Duration.ofMillis(400));
		}
	}

	static void forceWhenReachable(Replica replica, BreakerOverride override) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (true) {
			try {
				replica.breakers.force("orders", override).block(T);
				return;
			}
			catch (RuntimeException ex) {
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("condition not met within 5s");
			}
			Thread.sleep(10);
		}
	}

	/**
	 * One gateway replica's breaker registry on the real Redis layer, with the shipped
	 * defaults.
	 */
	final class Replica implements AutoCloseable {

		final RedisKit kit;

		final SharedCircuitBreakers breakers;

		Replica() {
			CircuitBreakerProperties.Sync sync = new CircuitBreakerProperties.Sync();
			this.kit = RedisKit.on(redis).start(RedisBreakerStoreTest.scriptList(), List.of());
			BreakerStore store = new RedisBreakerStore(this.kit.calls("circuitbreaker"), this.kit.channels,
					sync.getChannel(), RedisBreakerStoreTest.scripts());
			this.breakers = new SharedCircuitBreakers(store, sync, new BreakerMetrics(null), Clock.systemUTC());
			this.breakers.start();
		}

		@Override
		public void close() {
			this.breakers.stop();
			this.kit.close();
		}

	}

}
