package io.tollgate.policy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tollgate.policy.redis.LuaScript;
import io.tollgate.policy.redis.RedisKit;
import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The limiter's choice between Redis and its fallbacks, with the Redis layer's shipped
 * defaults, around a real Redis made slow or unreachable through a TCP proxy.
 */
@ExtendWith(OutputCaptureExtension.class)
class FailoverRateLimitStoreTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static final Duration T = Duration.ofSeconds(10);

	TcpProxy proxy;

	RedisKit kit;

	FailoverRateLimitStore store;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.proxy = TcpProxy.to(redis.port());
		this.kit = RedisKit.on(this.proxy.host(), this.proxy.port());
		RedisRateLimitStore shared = new RedisRateLimitStore(this.kit.executor.requestCalls("ratelimit"),
				LuaScript.load("ratelimit"), java.time.Clock.systemUTC());
		this.store = new FailoverRateLimitStore(shared, new LocalRateLimitStore(() -> 1, 100), this.kit.breaker);
		this.kit.start(List.of(), List.of(shared));
	}

	@AfterEach
	void tearDown() {
		this.kit.close();
		this.proxy.close();
	}

	static RateLimitPolicy policy(OnStoreFailure mode) {
		return new RateLimitPolicy("b", Algorithm.GCRA, LimitParser.parse("100/1m"), 1, mode);
	}

	RateLimitDecision consume(OnStoreFailure mode) {
		return this.store.consume(policy(mode), "alice").block(T);
	}

	@Test
	void whenRedisAnswers_thenDecisionsAreShared() {
		assertThat(consume(OnStoreFailure.LOCAL).source()).isEqualTo(RateLimitDecision.Source.SHARED);
		assertThat(consume(OnStoreFailure.LOCAL).remaining(0)).isEqualTo(98);
	}

	@Test
	void whenRedisIsSlowButAnswers_thenTheRequestWaitsForItsSharedDecision_andRedisStaysInUse() {
		consume(OnStoreFailure.LOCAL);
		this.proxy.setDelay(Duration.ofMillis(400)); // a round trip takes >= 800 ms,
														// beyond tollgate.redis.timeout
		RateLimitDecision d = consume(OnStoreFailure.LOCAL);
		assertThat(d.source()).isEqualTo(RateLimitDecision.Source.SHARED);
		assertThat(d.remaining(0)).isEqualTo(98);
		this.proxy.setDelay(Duration.ZERO);
		assertThat(this.kit.breaker.state()).as("a slow call is not an outage").isEqualTo(StoreBreaker.State.CLOSED);
	}

	@Test
	void whenRedisIsBlackholed_thenRequestsWaitAtMostTheCommandTimeout_andOnceItCountsAsDownTheFallbackDecidesAtOnce()
			throws Exception {
		consume(OnStoreFailure.LOCAL);
		this.proxy.blackhole(true);
		long blackholed = System.nanoTime();
		RateLimitDecision d;
		do {
			long start = System.nanoTime();
			d = consume(OnStoreFailure.LOCAL);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("spring.data.redis.timeout bounds the wait")
				.isLessThan(Duration.ofMillis(2500));
		}
		while (this.kit.breaker.state() != StoreBreaker.State.OPEN);
		assertThat(Duration.ofNanos(System.nanoTime() - blackholed)).isLessThan(Duration.ofSeconds(7));
		assertThat(d.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
		long start = System.nanoTime();
		for (int i = 0; i < 200; i++) {
			assertThat(consume(OnStoreFailure.LOCAL).source()).isEqualTo(RateLimitDecision.Source.LOCAL);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("an open breaker adds nothing per request")
			.isLessThan(Duration.ofMillis(200));
		this.proxy.blackhole(false);
		this.proxy.dropConnections();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (consume(OnStoreFailure.LOCAL).source() != RateLimitDecision.Source.SHARED) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	@Test
	void whenAnOutageLasts_thenItAndEachFallbackChoiceAreLoggedOncePerOutage(CapturedOutput output) throws Exception {
		consume(OnStoreFailure.LOCAL);
		for (int outage = 1; outage <= 2; outage++) {
			redis.stop();
			for (int i = 0; i < 20; i++) {
				consume(OnStoreFailure.LOCAL);
				consume(OnStoreFailure.DENY);
			}
			redis.start();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (consume(OnStoreFailure.LOCAL).source() != RateLimitDecision.Source.SHARED) {
				assertThat(System.nanoTime()).isLessThan(deadline);
				Thread.sleep(50);
			}
			assertThat(count(output, "Redis unreachable")).isEqualTo(outage);
			assertThat(count(output, "on-store-failure=local enforce")).isEqualTo(outage);
			assertThat(count(output, "on-store-failure=deny answer 503")).isEqualTo(outage);
			assertThat(count(output, "Redis reachable again")).isEqualTo(outage);
		}
	}

	static int count(CapturedOutput output, String text) {
		return output.getAll().split(java.util.regex.Pattern.quote(text), -1).length - 1;
	}

	@Test
	void whenRedisIsDown_thenAllowAdmitsUncountedAndDenyRefuses() throws Exception {
		consume(OnStoreFailure.LOCAL);
		redis.stop();
		try {
			for (int i = 0; i < 3; i++) {
				consume(OnStoreFailure.LOCAL);
			}
			assertThat(consume(OnStoreFailure.ALLOW).source()).isEqualTo(RateLimitDecision.Source.ALLOWED_UNCOUNTED);
			RateLimitDecision denied = consume(OnStoreFailure.DENY);
			assertThat(denied.source()).isEqualTo(RateLimitDecision.Source.UNAVAILABLE);
			assertThat(denied.allowed()).isFalse();
		}
		finally {
			redis.start();
		}
	}

}
