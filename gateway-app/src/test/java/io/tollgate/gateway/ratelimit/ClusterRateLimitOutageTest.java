package io.tollgate.gateway.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.tollgate.gateway.support.GatewayInstance;
import io.tollgate.policy.ratelimit.RateLimitMetrics;
import io.tollgate.policy.redis.RedisCalls;
import io.tollgate.policy.redis.StoreBreaker;
import io.tollgate.policy.replica.ReplicaHeartbeat;
import io.tollgate.testsupport.net.TcpProxy;
import io.tollgate.testsupport.redis.RedisExtension;
import io.tollgate.testsupport.upstream.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis killed, restarted and slowed under running gateways. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterRateLimitOutageTest {

	@RegisterExtension
	static final RedisExtension redis = RedisExtension.standalone();

	@RegisterExtension
	static final TestUpstream upstream = new TestUpstream();

	final List<GatewayInstance> replicas = new ArrayList<>();

	TcpProxy proxy;

	GatewayInstance slowGateway;

	static List<LimitedRoute> routes() {
		return List.of(LimitedRoute.of("local", "10/10m", "ip"),
				LimitedRoute.of("allow", "2/10m", "ip").arg("on-store-failure", "allow"),
				LimitedRoute.of("deny", "2/10m", "ip").arg("on-store-failure", "deny"),
				LimitedRoute.of("slow", "1000/1m", "ip"));
	}

	@BeforeAll
	void start() {
		for (int i = 0; i < 2; i++) {
			replicas.add(
					LimitedRoute
						.addAll(GatewayInstance.builder().redis(redis).property("tollgate.replica.id", "outage-" + i),
								upstream.uri().toString(), routes())
						.start());
		}
		proxy = TcpProxy.to(redis.port());
		slowGateway = LimitedRoute
			.addAll(GatewayInstance.builder()
				.property("spring.data.redis.url", "redis://" + proxy.host() + ":" + proxy.port()),
					upstream.uri().toString(), routes())
			.start();
		List<GatewayInstance> all = new ArrayList<>(replicas);
		all.add(slowGateway);
		ClusterRateLimitSuite.awaitShared(all);
	}

	@AfterAll
	void stop() {
		replicas.forEach(GatewayInstance::close);
		if (slowGateway != null) {
			slowGateway.close();
		}
		if (proxy != null) {
			proxy.close();
		}
	}

	String url(int replica, String path) {
		return replicas.get(replica % replicas.size()).baseUrl() + path;
	}

	@Test
	void whenRedisIsKilledAndRestarted_thenFallbacksServeAndSharedLimitingResumesByItself() throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (replicas.get(0).bean(ReplicaHeartbeat.class).liveReplicas() < 3
				|| replicas.get(1).bean(ReplicaHeartbeat.class).liveReplicas() < 3) {
			assertThat(System.nanoTime()).as("heartbeats see all three replicas").isLessThan(deadline);
			Thread.sleep(50);
		}
		assertThat(Http.get(url(0, "/local/a")).header("RateLimit")).isEqualTo("\"10-per-10m\";r=9;t=60");
		assertThat(Http.get(url(1, "/local/a")).header("RateLimit")).isEqualTo("\"10-per-10m\";r=8;t=120");

		redis.stop();
		// local: each of the 3 live replicas enforces 10 / 3 = 3, never a 5xx, never slow
		int admitted = 0;
		long slowest = 0;
		for (int i = 0; i < 20; i++) {
			Http.Res r = Http.get(url(i, "/local/b"));
			assertThat(r.status()).isIn(200, 429);
			assertThat(r.header("RateLimit-Policy")).isEqualTo("\"10-per-10m\";q=10;w=600");
			assertThat(r.header("RateLimit")).startsWith("\"10-per-10m\";r=");
			admitted += r.status() == 200 ? 1 : 0;
			slowest = Math.max(slowest, r.millis());
		}
		assertThat(admitted).isEqualTo(6);
		assertThat(slowest).isLessThan(1000);
		for (int i = 0; i < 6; i++) {
			assertThat(Http.get(url(i, "/allow/b")).status()).isEqualTo(200);
		}
		Http.Res denied = Http.get(url(0, "/deny/b"));
		assertThat(denied.status()).isEqualTo(503);
		assertThat(denied.header("Content-Type")).startsWith("application/problem+json");
		assertThat(denied.header("Retry-After")).isEqualTo("1");
		Http.Res health = Http.get("http://127.0.0.1:" + replicas.get(0).managementPort() + "/actuator/health");
		assertThat(health.body()).contains("\"clusterRateLimit\"").contains("\"store\":\"fallback\"");
		assertThat(replicas.get(0)
			.bean(MeterRegistry.class)
			.get(RateLimitMetrics.DECISIONS)
			.tag("route", "local")
			.tag("outcome", "fallback")
			.counter()
			.count()).isGreaterThanOrEqualTo(10);
		assertThat(replicas.get(0)
			.bean(MeterRegistry.class)
			.get(RedisCalls.METER)
			.tag("feature", "ratelimit")
			.tag("outcome", "failure")
			.timer()
			.count()).isPositive();

		redis.start();
		long restarted = System.nanoTime();
		Http.Res shared;
		do {
			Thread.sleep(100);
			shared = Http.get(url(1, "/deny/c"));
		}
		while (shared.status() == 503 && System.nanoTime() - restarted < Duration.ofSeconds(8).toNanos());
		assertThat(shared.status()).isEqualTo(200);
		// every replica is back on Redis within 5 s of the restart, by itself
		for (GatewayInstance r : replicas) {
			while (r.bean(StoreBreaker.class).state() != StoreBreaker.State.CLOSED) {
				assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(5));
				Thread.sleep(20);
			}
		}
		assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(Duration.ofSeconds(5));
		// counted together again: replica 1 used one unit, replica 0 takes the second,
		// then the limit holds
		assertThat(Http.get(url(0, "/deny/c")).status()).isEqualTo(200);
		assertThat(Http.get(url(0, "/deny/c")).status()).isEqualTo(429);
		assertThat(RedisKeys.pttl(redis, "tollgate:rl:{deny:ip:127.0.0.1}:gcra:2-per-10m")).isPositive();
		health = Http.get("http://127.0.0.1:" + replicas.get(1).managementPort() + "/actuator/health");
		assertThat(health.body()).contains("\"store\":\"redis\"");
	}

	@Test
	void whenRedisIsSlow_thenDecisionsWaitForItUntilTheProbeCountsItDown_andSharedLimitingResumesWhenItIsFastAgain()
			throws Exception {
		String url = slowGateway.baseUrl() + "/slow/x";
		assertThat(Http.get(url).status()).isEqualTo(200);
		proxy.setDelay(Duration.ofMillis(600));
		try {
			List<Long> took = new ArrayList<>();
			for (int i = 0; i < 15; i++) {
				Http.Res r = Http.get(url);
				assertThat(r.status()).isEqualTo(200);
				took.add(r.millis());
			}
			// while Redis is believed up a decision waits for it (a round trip takes 1.2
			// s here);
			// the probe (500 ms timeout, once a second) counts it down after three
			// failures, and from
			// then on the fallback decides at once
			assertThat(took).allMatch(ms -> ms < 2500);
			assertThat(took.subList(took.size() - 8, took.size())).allMatch(ms -> ms < 200);
			assertThat(slowGateway.bean(StoreBreaker.class).state()).isEqualTo(StoreBreaker.State.OPEN);
		}
		finally {
			proxy.setDelay(Duration.ZERO);
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (slowGateway.bean(StoreBreaker.class).state() != StoreBreaker.State.CLOSED) {
			assertThat(System.nanoTime()).as("back on Redis within 5 s").isLessThan(deadline);
			Thread.sleep(50);
		}
	}

}
