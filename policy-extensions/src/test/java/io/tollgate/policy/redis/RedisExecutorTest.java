package io.tollgate.policy.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;

/**
 * The Redis layer with its shipped defaults (500 ms timeout, 3 consecutive failures, 1 s
 * probe) against a real Redis made slow or unreachable through a TCP proxy.
 */
class RedisExecutorTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	static final Duration T = Duration.ofSeconds(10);

	TcpProxy proxy;

	RedisKit kit;

	RedisCalls calls;

	@BeforeEach
	void setUp() {
		redis.flushAll();
		this.proxy = TcpProxy.to(redis.port());
		this.kit = RedisKit.on(this.proxy.host(), this.proxy.port());
		this.calls = this.kit.calls("test");
	}

	@AfterEach
	void tearDown() {
		this.kit.close();
		this.proxy.close();
	}

	Mono<String> get(String key) {
		return this.calls.call(r -> r.opsForValue().get(key));
	}

	@Test
	void whenRedisWasNeverReached_thenCallsAreRefusedWithoutTouchingTheConnection() {
		assertThat(this.kit.breaker.state()).isEqualTo(StoreBreaker.State.CONNECTING);
		assertThatThrownBy(() -> get("k").block(T)).isInstanceOf(RedisExecutor.StoreUnavailableException.class);
		assertThat(this.proxy.acceptedConnections()).as("no connection opened by a caller").isZero();
	}

	@Test
	void whenTheLifecycleStarts_thenScriptsAreLoadedAndWarmupsRunBeforeItReturns() throws Exception {
		LuaScript script = LuaScript.load("replica-heartbeat");
		boolean[] warmed = new boolean[1];
		this.kit.start(List.of(script), List.of(() -> Mono.fromRunnable(() -> warmed[0] = true)));
		assertThat(this.kit.breaker.isClosed()).isTrue();
		assertThat(warmed[0]).isTrue();
		assertThat(redis.command(redis.port(), "SCRIPT", "EXISTS", script.script().getSha1()).toString()).contains("1");
	}

	@Test
	void whenABackgroundCallIsSlowerThanTheTimeout_thenItFailsWithinTheTimeout_butTheStoreStaysInUse() {
		this.kit.start();
		assertThat(this.calls.call(r -> r.opsForValue().set("k", "v")).block(T)).isTrue();
		this.proxy.setDelay(Duration.ofMillis(300)); // a round trip takes >= 600 ms
		for (int i = 0; i < 5; i++) {
			long start = System.nanoTime();
			assertThatThrownBy(() -> get("k").block(T)).hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(450),
					Duration.ofMillis(900));
		}
		this.proxy.setDelay(Duration.ZERO);
		assertThat(this.kit.breaker.isClosed()).as("late background calls are no outage").isTrue();
		assertThat(
				this.kit.meters.get(RedisCalls.METER).tag("feature", "test").tag("outcome", "timeout").timer().count())
			.isEqualTo(5);
	}

	@Test
	void whenARequestPathCallTakesLongerThanTheTimeout_thenItStillGetsItsReply_andNothingCountsAgainstRedis() {
		this.kit.start();
		RedisCalls onRequests = this.kit.executor.requestCalls("ratelimit");
		assertThat(onRequests.call(r -> r.opsForValue().set("k", "v")).block(T)).isTrue();
		this.proxy.setDelay(Duration.ofMillis(400)); // a round trip takes >= 800 ms
		for (int i = 0; i < 4; i++) {
			assertThat(onRequests.call(r -> r.opsForValue().get("k")).block(T)).isEqualTo("v");
		}
		this.proxy.setDelay(Duration.ZERO);
		assertThat(this.kit.breaker.consecutiveFailures()).isZero();
	}

	@Test
	void whenRedisIsBlackholed_thenTheProbeOpensTheBreakerWithinSeconds_andCallersNoLongerWait_andTheProbeBringsItBack()
			throws Exception {
		this.kit.start();
		this.proxy.blackhole(true);
		long blackholed = System.nanoTime();
		while (this.kit.breaker.state() != StoreBreaker.State.OPEN) {
			assertThat(Duration.ofNanos(System.nanoTime() - blackholed))
				.as("three failed probes, one a second, each bounded by 500 ms")
				.isLessThan(Duration.ofMillis(4500));
			Thread.sleep(20);
		}
		long start = System.nanoTime();
		for (int i = 0; i < 100; i++) {
			assertThatThrownBy(() -> get("k").block(T)).isInstanceOf(RedisExecutor.StoreUnavailableException.class);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(200));
		this.proxy.blackhole(false);
		this.proxy.dropConnections();
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!this.kit.breaker.isClosed()) {
			assertThat(System.nanoTime()).as("closed by the probe within about a second").isLessThan(deadline);
			Thread.sleep(50);
		}
		assertThat(get("k").block(T)).isNull();
	}

	@Test
	void whenRedisIsDownAtStart_thenTheLifecycleReturnsQuicklyWithTheBreakerOpen_andClosesOnceRedisIsUp()
			throws Exception {
		redis.stop();
		try {
			long start = System.nanoTime();
			this.kit.start();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
			assertThat(this.kit.breaker.state()).isEqualTo(StoreBreaker.State.OPEN);
		}
		finally {
			redis.start();
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (!this.kit.breaker.isClosed()) {
			assertThat(System.nanoTime()).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

}
