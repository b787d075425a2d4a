package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Timeout, breaker and fallback modes around a real Redis made slow or unreachable
 * through a TCP proxy.
 */
class FailoverRateLimitStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	TcpProxy proxy;

	RedisFixture r;

	SimpleMeterRegistry registry;

	StoreBreaker breaker;

	FailoverRateLimitStore store;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		proxy = TcpProxy.to(redis.port());
		r = new RedisFixture(proxy.host(), proxy.port());
		registry = new SimpleMeterRegistry();
		breaker = new StoreBreaker(3, Duration.ofMillis(300));
		store = new FailoverRateLimitStore(new RedisRateLimitStore(r.template), new LocalRateLimitStore(() -> 1, 100),
				breaker, Duration.ofMillis(50), new RateLimitMetrics(registry));
	}

	@AfterEach
	void tearDown() {
		r.close();
		proxy.close();
	}

	static RateLimitPolicy policy(OnStoreFailure mode) {
		return new RateLimitPolicy("b", Algorithm.GCRA, LimitParser.parse("100/1m"), 1, mode);
	}

	long timed(Runnable call) {
		long start = System.nanoTime();
		call.run();
		return (System.nanoTime() - start) / 1_000_000;
	}

	@Test
	void whenTheStoreWasNeverReached_thenABreakerAwaitingFirstSuccessKeepsRequestsOffIt() {
		StoreBreaker awaiting = StoreBreaker.awaitingFirstSuccess(3, Duration.ofMillis(300));
		proxy.blackhole(true);
		FailoverRateLimitStore cold = new FailoverRateLimitStore(new RedisRateLimitStore(r.template),
				new LocalRateLimitStore(() -> 1, 100), awaiting, Duration.ofMillis(50), new RateLimitMetrics(registry));
		long took = timed(() -> assertThat(cold.consume(policy(OnStoreFailure.LOCAL), "alice").block().source())
			.isEqualTo(RateLimitDecision.Source.LOCAL));
		assertThat(took).isLessThan(100);
		proxy.blackhole(false);
		cold.succeeded();
		assertThat(awaiting.state()).isEqualTo(StoreBreaker.State.CLOSED);
		assertThat(cold.consume(policy(OnStoreFailure.LOCAL), "alice").block().source())
			.isEqualTo(RateLimitDecision.Source.SHARED);
	}

	@Test
	void whenRedisAnswers_thenDecisionsAreSharedAndLatencyIsRecorded() {
		RateLimitDecision d = store.consume(policy(OnStoreFailure.LOCAL), "alice").block();
		assertThat(d.source()).isEqualTo(RateLimitDecision.Source.SHARED);
		assertThat(registry.timer(RateLimitMetrics.STORE_LATENCY).count()).isEqualTo(1);
	}

	@Test
	void whenRedisIsSlowerThanTheTimeout_thenTheFallbackDecidesWithinTheTimeout() {
		store.consume(policy(OnStoreFailure.LOCAL), "warm").block();
		proxy.setDelay(Duration.ofMillis(400));
		long[] took = new long[1];
		RateLimitDecision[] d = new RateLimitDecision[1];
		took[0] = timed(() -> d[0] = store.consume(policy(OnStoreFailure.LOCAL), "alice").block());
		assertThat(d[0].source()).isEqualTo(RateLimitDecision.Source.LOCAL);
		assertThat(d[0].allowed()).isTrue();
		assertThat(took[0]).isLessThan(200);
		assertThat(registry.counter(RateLimitMetrics.STORE_ERRORS).count()).isEqualTo(1);
	}

	@Test
	void whenFailuresRepeat_thenTheBreakerSkipsRedisUntilAProbeSucceeds() throws Exception {
		store.consume(policy(OnStoreFailure.LOCAL), "warm").block();
		proxy.blackhole(true);
		for (int i = 0; i < 3; i++) {
			store.consume(policy(OnStoreFailure.LOCAL), "alice").block();
		}
		assertThat(breaker.state()).isEqualTo(StoreBreaker.State.OPEN);
		long took = timed(() -> {
			for (int i = 0; i < 200; i++) {
				assertThat(store.consume(policy(OnStoreFailure.LOCAL), "alice").block().source())
					.isEqualTo(RateLimitDecision.Source.LOCAL);
			}
		});
		assertThat(took).as("an open breaker adds nothing per request").isLessThan(200);
		assertThat(registry.counter(RateLimitMetrics.STORE_ERRORS).count()).isEqualTo(3);
		proxy.blackhole(false);
		proxy.dropConnections();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		RateLimitDecision d;
		do {
			Thread.sleep(50);
			d = store.consume(policy(OnStoreFailure.LOCAL), "alice").block();
		}
		while (d.source() != RateLimitDecision.Source.SHARED && System.nanoTime() < deadline);
		assertThat(d.source()).isEqualTo(RateLimitDecision.Source.SHARED);
		assertThat(breaker.state()).isEqualTo(StoreBreaker.State.CLOSED);
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void whenAnOutageLasts_thenItAndEachFallbackChoiceAreLoggedOncePerOutage(CapturedOutput output) throws Exception {
		store.consume(policy(OnStoreFailure.LOCAL), "warm").block();
		for (int outage = 1; outage <= 2; outage++) {
			proxy.blackhole(true);
			for (int i = 0; i < 20; i++) {
				store.consume(policy(OnStoreFailure.LOCAL), "alice").block();
				store.consume(policy(OnStoreFailure.DENY), "alice").block();
			}
			proxy.blackhole(false);
			proxy.dropConnections();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (store.consume(policy(OnStoreFailure.LOCAL), "alice")
				.block()
				.source() != RateLimitDecision.Source.SHARED) {
				assertThat(System.nanoTime()).isLessThan(deadline);
				Thread.sleep(50);
			}
			assertThat(count(output, "Rate-limit store (Redis) unreachable")).isEqualTo(outage);
			assertThat(count(output, "on-store-failure=local enforce")).isEqualTo(outage);
			assertThat(count(output, "on-store-failure=deny answer 503")).isEqualTo(outage);
			assertThat(count(output, "Rate-limit store (Redis) reachable again")).isEqualTo(outage);
		}
	}

	static int count(CapturedOutput output, String text) {
		return output.getAll().split(java.util.regex.Pattern.quote(text), -1).length - 1;
	}

	@Test
	void whenRedisIsDown_thenAllowAdmitsUncountedAndDenyRefuses() {
		store.consume(policy(OnStoreFailure.LOCAL), "warm").block();
		proxy.blackhole(true);
		assertThat(store.consume(policy(OnStoreFailure.ALLOW), "alice").block().source())
			.isEqualTo(RateLimitDecision.Source.ALLOWED_UNCOUNTED);
		RateLimitDecision denied = store.consume(policy(OnStoreFailure.DENY), "alice").block();
		assertThat(denied.source()).isEqualTo(RateLimitDecision.Source.UNAVAILABLE);
		assertThat(denied.allowed()).isFalse();
	}

}
