package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The in-memory fallback runs the algorithms of ratelimit.lua on a controllable clock.
 */
class LocalRateLimitStoreTest {

	final AtomicLong clock = new AtomicLong(1_764_000_000_000L);

	final AtomicInteger replicas = new AtomicInteger(1);

	final LocalRateLimitStore store = new LocalRateLimitStore(replicas::get, 1000, clock::get);

	static RateLimitPolicy policy(Algorithm algorithm, String limits) {
		return new RateLimitPolicy("b", algorithm, LimitParser.parse(limits), 1, OnStoreFailure.LOCAL);
	}

	int admitted(RateLimitPolicy p, int attempts) {
		int n = 0;
		for (int i = 0; i < attempts; i++) {
			if (store.decide(p, "alice").allowed()) {
				n++;
			}
		}
		return n;
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void whenThreeReplicasAreLive_thenEachEnforcesAThirdOfTheLimit(Algorithm algorithm) {
		replicas.set(3);
		assertThat(admitted(policy(algorithm, "20/10m"), 50)).isEqualTo(6);
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void whenOneLimitRefuses_thenNoLimitIsConsumed(Algorithm algorithm) {
		RateLimitPolicy p = policy(algorithm, "10/1h, 2/1h");
		assertThat(admitted(p, 5)).isEqualTo(2);
		RateLimitDecision refused = store.decide(p, "alice");
		assertThat(refused.remaining(0)).isEqualTo(8);
		assertThat(refused.bindingLimit()).isEqualTo(1);
		assertThat(refused.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
	}

	@Test
	void whenGcraTimePasses_thenUnitsReturnAtTheRateAndRetryAfterIsExact() {
		RateLimitPolicy p = policy(Algorithm.GCRA, "10/1s");
		assertThat(admitted(p, 20)).isEqualTo(10);
		RateLimitDecision refused = store.decide(p, "alice");
		assertThat(refused.retryAfterMillis()).isEqualTo(100);
		clock.addAndGet(99);
		assertThat(store.decide(p, "alice").allowed()).isFalse();
		clock.addAndGet(1);
		assertThat(store.decide(p, "alice").allowed()).isTrue();
	}

	@Test
	void whenFixedWindowEdgePasses_thenTheCountResets() throws Exception {
		clock.set(1_764_000_000_000L - 1); // 1 ms before a 1 s edge
		RateLimitPolicy p = policy(Algorithm.FIXED_WINDOW, "3/1s");
		assertThat(admitted(p, 5)).isEqualTo(3);
		// entries expire on the limiter's clock, not the wall clock
		Thread.sleep(5);
		assertThat(store.decide(p, "alice").allowed()).isFalse();
		assertThat(store.decide(p, "alice").retryAfterMillis()).isEqualTo(1);
		clock.addAndGet(1);
		assertThat(admitted(p, 5)).isEqualTo(3);
	}

	@Test
	void whenSlidingWindowFollowsAFullWindow_thenThePreviousCountIsWeighted() {
		clock.set(1_764_000_000_000L);
		RateLimitPolicy p = policy(Algorithm.SLIDING_WINDOW, "10/1s");
		assertThat(admitted(p, 20)).isEqualTo(10);
		clock.addAndGet(1300);
		assertThat(admitted(p, 20)).isEqualTo(3);
		assertThat(store.decide(p, "alice").retryAfterMillis()).isEqualTo(100);
	}

}
